import type { Etcd3, IKeyValue } from 'etcd3';
import { CliError, errorMessage, ExitCode } from '../../exit-codes.js';
import { withStore } from '../../store/store-client.js';
import type { CommandContext } from '../context.js';
import { type ConfigEntry, toConfigEntry } from './config-entry.js';
import { configNames } from './config-names.js';
import { keyDefault } from './schema-facts.js';
import { type ConfigNames, hasStoredKeys, readStoredSchema, unknownServiceError } from './service-lookup.js';

/**
 * Why the walk stopped: `created` — it reached the put that created the key (version 1); `compacted`
 * — the store no longer keeps older revisions; `limit` — `--limit` entries were listed.
 */
export type HistoryEnd = 'created' | 'compacted' | 'limit';

export interface ConfigHistory {
  service: string;
  key: string;
  /** Newest first; each is the value as written at `modRevision`. */
  entries: ConfigEntry[];
  end: HistoryEnd;
}

const COMPACTED = 'required revision has been compacted';

/** `flotilla config history <service> <key>` */
export async function configHistory(
  ctx: CommandContext,
  service: string,
  key: string,
  limit: number,
): Promise<void> {
  const names = configNames(service, key);
  const etcdKey = names.key ?? '';
  const history = await withStore(ctx.target, async (client) => {
    const current = (await client.get(etcdKey).exec()).kvs[0];
    if (!current) throw await noHistory(client, service, key, names);
    return walkBack(client, etcdKey, current, limit);
  });
  const result: ConfigHistory = {
    service,
    key,
    entries: history.kvs.map((kv) => toConfigEntry(key, kv)),
    end: history.end,
  };
  if (ctx.out.json) {
    ctx.out.jsonLine(result);
    return;
  }
  ctx.out.table(
    ['REVISION', 'VERSION', 'VALUE'],
    result.entries.map((e) => [String(e.modRevision), String(e.version), e.raw]),
  );
  const oldest = result.entries[result.entries.length - 1];
  if (oldest) ctx.out.note(endNote(result.end, oldest, result.entries.length));
}

/** Why a key has no value to start from: an unknown service, a key never set (at its default), or an unknown key. */
async function noHistory(client: Etcd3, service: string, key: string, names: ConfigNames): Promise<CliError> {
  const etcdKey = names.key ?? '';
  const stored = await readStoredSchema(client, names);
  if (!stored && !(await hasStoredKeys(client, names))) return unknownServiceError(client, service, names);
  if (stored?.parsed.ok && keyDefault(stored.parsed.schema, key).declared) {
    return new CliError(
      `${service}/${key} has no history: nothing at ${etcdKey} (never set, or deleted), so the service uses the schema's default; see it with \`flotilla config get ${service} ${key}\``,
      ExitCode.failed,
    );
  }
  return new CliError(
    `unknown key "${key}" of service "${service}": nothing at ${etcdKey} (never set, or deleted); list the service's keys with \`flotilla config get ${service}\``,
    ExitCode.failed,
  );
}

/**
 * Each value of a key was written at its mod_revision; reading the key at one revision before that
 * gives the value it replaced, with that value's own mod_revision. Repeating walks every put of the
 * key's current life (version N down to 1) with one Range each, until the put that created it or
 * until the store has compacted the revision asked for.
 */
async function walkBack(
  client: Etcd3,
  etcdKey: string,
  current: IKeyValue,
  limit: number,
): Promise<{ kvs: IKeyValue[]; end: HistoryEnd }> {
  const kvs = [current];
  for (let kv = current; ;) {
    if (kv.version === '1') return { kvs, end: 'created' };
    if (kvs.length >= limit) return { kvs, end: 'limit' };
    const before = (BigInt(kv.mod_revision) - 1n).toString();
    let previous: IKeyValue | undefined;
    try {
      previous = (await client.get(etcdKey).revision(before).exec()).kvs[0];
    } catch (error) {
      if (errorMessage(error).includes(COMPACTED)) return { kvs, end: 'compacted' };
      throw error;
    }
    // A version above 1 means the previous put is in the same life, so it must be there; if a store
    // says otherwise, stop rather than loop.
    if (!previous) return { kvs, end: 'created' };
    kvs.push(previous);
    kv = previous;
  }
}

function endNote(end: HistoryEnd, oldest: ConfigEntry, count: number): string {
  switch (end) {
    case 'created':
      return `history complete: the key was created at revision ${oldest.createRevision} (values from before an earlier delete are not listed)`;
    case 'compacted':
      return `history stops at revision ${oldest.modRevision}: the store has compacted the revisions before it`;
    case 'limit':
      return `history cut at --limit ${count}: older values exist before revision ${oldest.modRevision}`;
  }
}
