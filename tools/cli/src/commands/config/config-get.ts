import type { Etcd3 } from 'etcd3';
import { CliError, ExitCode } from '../../exit-codes.js';
import { revisionNumber } from '../../output/format.js';
import { withStore } from '../../store/store-client.js';
import type { CommandContext } from '../context.js';
import { type ConfigGetEntry, defaultEntry, ENTRY_HEAD, entryRow, toConfigEntry } from './config-entry.js';
import { configNames } from './config-names.js';
import { declaredKeys, keyDefault } from './schema-facts.js';
import { type ConfigNames, hasStoredKeys, readStoredSchema, unknownServiceError } from './service-lookup.js';

/**
 * `flotilla config get <service> [key]`: stored values, and for keys the service's schema declares
 * but nobody set, the schema's default (what the service runs with), marked as such.
 */
export async function configGet(ctx: CommandContext, service: string, key?: string): Promise<void> {
  const names = configNames(service, key);
  await withStore(ctx.target, (client) =>
    key === undefined ? getService(ctx, client, service, names) : getKey(ctx, client, service, key, names),
  );
}

async function getKey(
  ctx: CommandContext,
  client: Etcd3,
  service: string,
  key: string,
  names: ConfigNames,
): Promise<void> {
  const etcdKey = names.key ?? '';
  const kv = (await client.get(etcdKey).exec()).kvs[0];
  if (kv) {
    print(ctx, { service, ...toConfigEntry(key, kv), source: 'store' });
    return;
  }
  const stored = await readStoredSchema(client, names);
  if (!stored) {
    if (!(await hasStoredKeys(client, names))) throw await unknownServiceError(client, service, names);
    throw new CliError(
      `unknown key "${key}" of service "${service}": nothing at ${etcdKey}; list the service's keys with \`flotilla config get ${service}\``,
      ExitCode.failed,
    );
  }
  if (!stored.parsed.ok) {
    throw new CliError(
      `${service}/${key} is not set (nothing at ${etcdKey}) and the schema at ${names.schema} is unusable (${stored.parsed.reason}), so its default is unknown; fix or republish the schema`,
      ExitCode.failed,
    );
  }
  const found = keyDefault(stored.parsed.schema, key);
  if (!found.declared) {
    const declared = declaredKeys(stored.parsed.schema);
    throw new CliError(
      `unknown key "${key}" of service "${service}": nothing at ${etcdKey}, and the schema at ${names.schema} does not declare it (declared keys: ${declared.length === 0 ? 'none' : declared.join(', ')}); check the key name`,
      ExitCode.failed,
    );
  }
  if (!found.hasDefault) {
    throw new CliError(
      `${service}/${key} is not set (nothing at ${etcdKey}) and the schema at ${names.schema} gives it no default; set it with \`flotilla config set ${service} ${key} <json>\``,
      ExitCode.failed,
    );
  }
  print(ctx, { service, ...defaultEntry(key, found.value) });
  if (!ctx.out.json) ctx.out.note(`${service}/${key} is not set: the service uses the schema's default`);
}

async function getService(
  ctx: CommandContext,
  client: Etcd3,
  service: string,
  names: ConfigNames,
): Promise<void> {
  const res = await client.getAll().prefix(names.prefix).sort('Key', 'Ascend').exec();
  const entries: ConfigGetEntry[] = res.kvs.map((kv) => ({
    ...toConfigEntry(kv.key.toString('utf8').slice(names.prefix.length), kv),
    source: 'store' as const,
  }));
  const stored = await readStoredSchema(client, names);
  if (entries.length === 0 && !stored) throw await unknownServiceError(client, service, names);
  if (stored && !stored.parsed.ok) {
    ctx.out.note(`the schema at ${names.schema} is unusable (${stored.parsed.reason}); defaults not shown`);
  } else if (stored?.parsed.ok) {
    const schema = stored.parsed.schema;
    const set = new Set(entries.map((e) => e.key));
    for (const key of declaredKeys(schema)) {
      const found = keyDefault(schema, key);
      if (!set.has(key) && found.declared && found.hasDefault) entries.push(defaultEntry(key, found.value));
    }
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  if (ctx.out.json) {
    ctx.out.jsonLine({ service, revision: revisionNumber(res.header.revision), entries });
  } else {
    ctx.out.table(ENTRY_HEAD, entries.map(entryRow));
  }
}

function print(ctx: CommandContext, entry: ConfigGetEntry & { service: string }): void {
  if (ctx.out.json) ctx.out.jsonLine(entry);
  else ctx.out.table(ENTRY_HEAD, [entryRow(entry)]);
}
