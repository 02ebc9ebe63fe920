import { decodeEndpoint, DEFAULT_PREFIX, type EndpointMetadata } from '@flotilla/discovery';
import type { Etcd3 } from 'etcd3';
import { CliError, ExitCode } from '../../exit-codes.js';
import { revisionNumber } from '../../output/format.js';
import { withStore } from '../../store/store-client.js';
import type { CommandContext } from '../context.js';
import { servicesPrefix } from './service-names.js';

/** One registered instance as `--json` prints it. */
export interface InstanceRow {
  service: string;
  instanceId: string;
  address: string;
  metadata: EndpointMetadata;
  /** The etcd key it is registered under. */
  key: string;
  /** The lease id (decimal string, etcd's is 64-bit), or null for a key without a lease. */
  lease: string | null;
  /** Seconds the lease has left (-1: expired), and what it was granted; null without a lease. */
  ttl: number | null;
  grantedTtl: number | null;
}

/** `flotilla services ls [service]` */
export async function servicesLs(ctx: CommandContext, service?: string): Promise<void> {
  const prefix = servicesPrefix(service);
  const { rows, skipped, revision } = await withStore(ctx.target, async (client) => {
    const res = await client.getAll().prefix(prefix).sort('Key', 'Ascend').exec();
    const found: InstanceRow[] = [];
    let bad = 0;
    const ttls = await leaseTtls(
      client,
      res.kvs.map((kv) => kv.lease),
    );
    for (const kv of res.kvs) {
      const endpoint = decodeEndpoint(DEFAULT_PREFIX, kv.key.toString('utf8'), kv.value.toString('utf8'));
      if (!endpoint) {
        bad++;
        continue;
      }
      const lease = kv.lease === '0' ? null : kv.lease;
      const ttl = lease === null ? undefined : ttls.get(lease);
      found.push({
        ...endpoint,
        lease,
        ttl: ttl?.ttl ?? null,
        grantedTtl: ttl?.granted ?? null,
      });
    }
    return { rows: found, skipped: bad, revision: revisionNumber(res.header.revision) };
  });
  if (service !== undefined && rows.length === 0) {
    throw new CliError(
      `unknown service "${service}": no instances registered under ${prefix}; list every service with \`flotilla services ls\``,
      ExitCode.failed,
    );
  }
  if (skipped > 0)
    ctx.out.note(`skipped ${skipped} key(s) under ${prefix} that are not instance registrations`);
  if (ctx.out.json) {
    ctx.out.jsonLine({ revision, instances: rows });
    return;
  }
  ctx.out.table(
    ['SERVICE', 'INSTANCE', 'ADDRESS', 'METADATA', 'LEASE TTL'],
    rows.map((r) => [r.service, r.instanceId, r.address, JSON.stringify(r.metadata), ttlText(r)]),
  );
}

/** LeaseTimeToLive for each distinct lease; instances of one process often share a lease. */
async function leaseTtls(
  client: Etcd3,
  leases: readonly string[],
): Promise<Map<string, { ttl: number; granted: number }>> {
  const distinct = [...new Set(leases.filter((l) => l !== '0'))];
  const answers = await Promise.all(
    distinct.map(async (id) => {
      const res = await client.leaseClient.leaseTimeToLive({ ID: id });
      return [id, { ttl: Number(res.TTL), granted: Number(res.grantedTTL) }] as const;
    }),
  );
  return new Map(answers);
}

function ttlText(row: InstanceRow): string {
  if (row.lease === null) return 'no lease';
  if (row.ttl === null || row.ttl < 0) return 'expired';
  return `${row.ttl}s of ${row.grantedTtl ?? '?'}s`;
}
