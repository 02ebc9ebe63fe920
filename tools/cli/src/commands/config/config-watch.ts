import type { IEvent } from 'etcd3';
import { parseConfigKey } from '@flotilla/config/guard';
import { parseJsonText, revisionNumber } from '../../output/format.js';
import { withDeadline, withStore } from '../../store/store-client.js';
import { watchUntilStopped } from '../../store/watch-until-stopped.js';
import type { CommandContext } from '../context.js';
import { configNames } from './config-names.js';
import { requireKnownService } from './service-lookup.js';

/** One change as `--json` prints it (one JSON object per line). */
export interface ConfigChange {
  type: 'put' | 'delete';
  service: string;
  key: string;
  /** The new value decoded (null for a delete or text that is not JSON). */
  value: unknown;
  /** The new stored text ("" for a delete). */
  raw: string;
  revision: number;
}

/** `flotilla config watch <service> [key]`: prints each change until Ctrl-C (unknown service: exit 1). */
export async function configWatch(ctx: CommandContext, service: string, key?: string): Promise<void> {
  const names = configNames(service, key);
  await withStore(
    ctx.target,
    async (client) => {
      // A misspelt service would otherwise be watched, silently, forever.
      await withDeadline(requireKnownService(client, service, names), ctx.target);
      await watchUntilStopped(client, ctx.target, ctx.out, {
        ...(names.key !== undefined ? { key: names.key } : { prefix: names.prefix }),
        describe: key === undefined ? `the config of ${service}` : `${service}/${key}`,
        onEvent: (event) => print(ctx, toChange(event, service, names.prefix)),
      });
    },
    { deadline: false },
  );
}

function toChange(event: IEvent, service: string, prefix: string): ConfigChange {
  const etcdKey = event.kv.key.toString('utf8');
  const key = parseConfigKey(etcdKey)?.key ?? etcdKey.slice(prefix.length);
  const revision = revisionNumber(event.kv.mod_revision);
  if (event.type === 'Delete') return { type: 'delete', service, key, value: null, raw: '', revision };
  const raw = event.kv.value.toString('utf8');
  const parsed = parseJsonText(raw);
  return { type: 'put', service, key, value: parsed.ok ? parsed.value : null, raw, revision };
}

function print(ctx: CommandContext, change: ConfigChange): void {
  if (ctx.out.json) ctx.out.jsonLine(change);
  else if (change.type === 'delete') ctx.out.line(`${change.revision}\tDELETE\t${change.key}`);
  else ctx.out.line(`${change.revision}\tPUT\t${change.key}\t${change.raw}`);
}
