import { CliError, ExitCode } from '../../exit-codes.js';
import { revisionNumber } from '../../output/format.js';
import { withStore } from '../../store/store-client.js';
import type { CommandContext } from '../context.js';
import { ENTRY_HEAD, entryRow, toConfigEntry } from './config-entry.js';
import { configNames } from './config-names.js';

/** `flotilla config get <service> [key]` */
export async function configGet(ctx: CommandContext, service: string, key?: string): Promise<void> {
  const names = configNames(service, key);
  await withStore(ctx.target, async (client) => {
    if (names.key !== undefined && key !== undefined) {
      const res = await client.get(names.key).exec();
      const kv = res.kvs[0];
      if (!kv) {
        throw new CliError(
          `unknown key "${key}" of service "${service}": nothing at ${names.key}; list the service's keys with \`flotilla config get ${service}\``,
          ExitCode.failed,
        );
      }
      const entry = toConfigEntry(key, kv);
      if (ctx.out.json) ctx.out.jsonLine({ service, ...entry });
      else ctx.out.table(ENTRY_HEAD, [entryRow(entry)]);
      return;
    }
    const res = await client.getAll().prefix(names.prefix).sort('Key', 'Ascend').exec();
    const entries = res.kvs.map((kv) =>
      toConfigEntry(kv.key.toString('utf8').slice(names.prefix.length), kv),
    );
    if (entries.length === 0 && (await client.get(names.schema).exec()).kvs.length === 0) {
      throw new CliError(
        `unknown service "${service}": no keys under ${names.prefix} and no schema at ${names.schema}; check the name, or create a key with \`flotilla config set ${service} <key> <json>\``,
        ExitCode.failed,
      );
    }
    if (ctx.out.json) {
      ctx.out.jsonLine({ service, revision: revisionNumber(res.header.revision), entries });
    } else {
      ctx.out.table(ENTRY_HEAD, entries.map(entryRow));
    }
  });
}
