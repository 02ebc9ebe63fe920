import { noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';

/**
 * An etcd3 client for the given endpoints. `retries: false` turns off the client's own retries and
 * circuit breaker, for measurements that must see each failure as it happens (failover).
 */
export function benchClient(hosts: string | readonly string[], retries = true): Etcd3 {
  return new Etcd3({
    hosts: typeof hosts === 'string' ? hosts : [...hosts],
    dialTimeout: 2000,
    ...(retries ? {} : { faultHandling: { host: () => noop, global: noop } }),
  });
}

/** The member (index into `endpoints`) that reports itself leader, or -1 if none does. */
export async function findLeader(endpoints: readonly string[]): Promise<number> {
  for (const [i, url] of endpoints.entries()) {
    const client = benchClient(url, false);
    try {
      const s = await client.maintenance.status({ deadline: Date.now() + 1000 });
      if (s.leader !== '0' && s.leader === s.header.member_id) return i;
    } catch {
      // a member that is down or slow to answer is not the leader we can use
    } finally {
      client.close();
    }
  }
  return -1;
}

/** A value of `bytes` bytes. */
export function benchValue(bytes: number): Buffer {
  return Buffer.alloc(bytes, 'v');
}
