import { Command, InvalidArgumentError } from 'commander';
import { configDel } from './commands/config/config-del.js';
import { configGet } from './commands/config/config-get.js';
import { configHistory } from './commands/config/config-history.js';
import { configSet } from './commands/config/config-set.js';
import { configWatch } from './commands/config/config-watch.js';
import type { CommandContext } from './commands/context.js';
import { servicesLs } from './commands/services/services-ls.js';
import { servicesWatch } from './commands/services/services-watch.js';
import { storeMembers } from './commands/store/store-members.js';
import { storeMoveLeader } from './commands/store/store-move-leader.js';
import { storeStatus } from './commands/store/store-status.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { createOutput } from './output/output.js';
import { DEFAULT_ENDPOINTS, ENDPOINTS_ENV, resolveTarget } from './store/store-target.js';

interface GlobalOptions {
  endpoints?: string;
  dialTimeout?: number;
  timeout?: number;
  json?: boolean;
}

/** Commander's `--no-schema`: `schema` is true unless the flag is given. */
interface WriteFlags {
  schema: boolean;
}

const NO_SCHEMA_HELP =
  'write even though the service has published no schema at flotilla/schemas/<service> (the value is then unchecked; without this flag such a service is refused as unknown)';

const ROOT_HELP = `
The store is etcd or flotilla-store (same v3 API). Endpoints: --endpoints, else $${ENDPOINTS_ENV}, else ${DEFAULT_ENDPOINTS}.
Output is a table unless --json is given; README.md (tools/cli) documents the JSON shapes.
${EXIT_CODES_HELP}`;

/** The whole command tree. Errors are thrown (exitOverride), never exit the process: see run.ts. */
export function buildProgram(): Command {
  const program = new Command('flotilla')
    .description('Operate a Flotilla fleet: config values, registered service instances and the store.')
    .option(
      '--endpoints <list>',
      `comma-separated store endpoints, e.g. 127.0.0.1:2379 (env ${ENDPOINTS_ENV})`,
    )
    .option(
      '--dial-timeout <ms>',
      'how long connecting to one endpoint may take (default 2000)',
      milliseconds,
    )
    .option(
      '--timeout <ms>',
      'deadline of the whole command; for watches, of setting up (default 10000)',
      milliseconds,
    )
    .option('--json', 'print JSON instead of a table (watches: one JSON object per line)')
    .addHelpText('after', ROOT_HELP)
    .exitOverride()
    .showSuggestionAfterError(true);

  const config = program
    .command('config')
    .description('read, write, watch and trace service config values (flotilla/config/<service>/<key>)');
  config
    .command('get')
    .description(
      "show a service's config keys (key, value, revision, source), or one key; keys its schema declares but nobody set show the schema's default",
    )
    .argument('<service>')
    .argument('[key]')
    .action((service: string, key: string | undefined, _o, cmd: Command) =>
      configGet(context(cmd), service, key),
    );
  config
    .command('set')
    .description(
      "write one key's value (JSON); checked against the service's schema (flotilla/schemas/<service>) first, and a service without one is refused (see --no-schema); prints the new revision",
    )
    .argument('<service>')
    .argument('<key>')
    .argument('<value>', `JSON, e.g. 42, true, '"text"', '{"a":1}'`)
    .option('--no-schema', NO_SCHEMA_HELP)
    .action((service: string, key: string, value: string, o: WriteFlags, cmd: Command) =>
      configSet(context(cmd), service, key, value, { requireSchema: o.schema }),
    );
  config
    .command('del')
    .description('delete one key (the service then uses the default of its schema)')
    .argument('<service>')
    .argument('<key>')
    .option('--no-schema', NO_SCHEMA_HELP)
    .action((service: string, key: string, o: WriteFlags, cmd: Command) =>
      configDel(context(cmd), service, key, { requireSchema: o.schema }),
    );
  config
    .command('watch')
    .description("print each change of a service's config (or one key) with its revision until Ctrl-C")
    .argument('<service>')
    .argument('[key]')
    .action((service: string, key: string | undefined, _o, cmd: Command) =>
      configWatch(context(cmd), service, key),
    );
  config
    .command('history')
    .description("list a key's past values, newest first, back to its creation or the store's compaction")
    .argument('<service>')
    .argument('<key>')
    .option('--limit <n>', 'list at most this many values', positiveInt, 100)
    .action((service: string, key: string, o: { limit: number }, cmd: Command) =>
      configHistory(context(cmd), service, key, o.limit),
    );

  const services = program
    .command('services')
    .description('registered service instances (flotilla/services/<service>/<instance>)');
  services
    .command('ls')
    .description('list instances: service, instance, address, metadata, lease TTL remaining')
    .argument('[service]')
    .action((service: string | undefined, _o, cmd: Command) => servicesLs(context(cmd), service));
  services
    .command('watch')
    .description('print instances being added, updated and removed until Ctrl-C')
    .argument('[service]')
    .action((service: string | undefined, _o, cmd: Command) => servicesWatch(context(cmd), service));

  const store = program.command('store').description('the store cluster itself (etcd or flotilla-store)');
  store
    .command('status')
    .description('per endpoint: member id, leader?, raft term and index, db size, version')
    .action((_o, cmd: Command) => storeStatus(context(cmd)));
  store
    .command('members')
    .description('the members: id, name, peer and client URLs, learner?')
    .action((_o, cmd: Command) => storeMembers(context(cmd)));
  store
    .command('move-leader')
    .description('hand leadership to another voting member')
    .argument('<member>', 'member name, or id in hex as `flotilla store members` prints it')
    .action((member: string, _o, cmd: Command) => storeMoveLeader(context(cmd), member));

  withUsageHints(program);
  return program;
}

function context(cmd: Command): CommandContext {
  const options = cmd.optsWithGlobals<GlobalOptions>();
  return { target: resolveTarget(options), out: createOutput(options.json === true) };
}

/** Commander's parse errors, as one line that says where to look for the right usage. */
function withUsageHints(cmd: Command): void {
  const name = commandPath(cmd);
  cmd.configureOutput({
    outputError: (text, write) =>
      write(
        `${text.trim().replace(/\s*\n\s*/g, ' ')} (usage: ${name} ${cmd.usage()}; see \`${name} --help\`)\n`,
      ),
  });
  for (const sub of cmd.commands) withUsageHints(sub);
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError('expected a positive whole number of milliseconds.');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}
