import { decodeEndpoint, DEFAULT_PREFIX, type EndpointMetadata } from '@flotilla/discovery';
import type { IEvent } from 'etcd3';
import { revisionNumber } from '../../output/format.js';
import { withStore } from '../../store/store-client.js';
import { watchUntilStopped } from '../../store/watch-until-stopped.js';
import type { CommandContext } from '../context.js';
import { servicesPrefix } from './service-names.js';

/** One change as `--json` prints it (one JSON object per line). */
export interface InstanceChange {
  /** `add`: a new registration; `update`: an instance re-registered with new data; `remove`: gone. */
  type: 'add' | 'update' | 'remove';
  service: string;
  instanceId: string;
  /** For add/update only. */
  address?: string;
  metadata?: EndpointMetadata;
  revision: number;
}

/** `flotilla services watch [service]`: prints instances coming and going until Ctrl-C. */
export async function servicesWatch(ctx: CommandContext, service?: string): Promise<void> {
  const prefix = servicesPrefix(service);
  await withStore(
    ctx.target,
    (client) =>
      watchUntilStopped(client, ctx.target, ctx.out, {
        prefix,
        describe: service === undefined ? 'every service' : `the instances of ${service}`,
        onEvent: (event) => {
          const change = toChange(event);
          if (change) print(ctx, change);
        },
      }),
    { deadline: false },
  );
}

function toChange(event: IEvent): InstanceChange | undefined {
  const key = event.kv.key.toString('utf8');
  const revision = revisionNumber(event.kv.mod_revision);
  const rest = key.slice(DEFAULT_PREFIX.length + 1);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const names = { service: rest.slice(0, slash), instanceId: rest.slice(slash + 1) };
  if (event.type === 'Delete') return { type: 'remove', ...names, revision };
  const endpoint = decodeEndpoint(DEFAULT_PREFIX, key, event.kv.value.toString('utf8'));
  if (!endpoint) return undefined;
  return {
    type: event.kv.version === '1' ? 'add' : 'update',
    service: endpoint.service,
    instanceId: endpoint.instanceId,
    address: endpoint.address,
    metadata: endpoint.metadata,
    revision,
  };
}

function print(ctx: CommandContext, change: InstanceChange): void {
  if (ctx.out.json) {
    ctx.out.jsonLine(change);
    return;
  }
  const where = change.address === undefined ? '' : `\t${change.address}\t${JSON.stringify(change.metadata)}`;
  ctx.out.line(
    `${change.revision}\t${change.type.toUpperCase()}\t${change.service}\t${change.instanceId}${where}`,
  );
}
