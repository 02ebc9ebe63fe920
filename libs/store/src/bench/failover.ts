import type { EtcdCluster } from '@flotilla/testing';
import { benchClient, findLeader } from './bench-clients.js';
import { Latencies } from './latency.js';

export interface FailoverResult {
  readonly trials: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Per-call deadline of the probing writers: a call stuck on the dead leader is abandoned after it. */
const PROBE_DEADLINE_MS = 250;
const RECOVERY_LIMIT_MS = 30_000;

/**
 * Write unavailability after SIGKILL of the leader: from the kill until the first Put issued after
 * it is acknowledged by a surviving member. Writers probe every surviving member without client
 * retries. The killed member is restarted and the cluster healthy again before the next trial.
 */
export async function failover(
  cluster: EtcdCluster,
  o: { readonly trials: number; readonly value: Buffer },
): Promise<FailoverResult> {
  const latencies = new Latencies();
  for (let t = 0; t < o.trials; t++) {
    const leader = await waitForLeader(cluster.endpoints);
    const survivors = cluster.endpoints.filter((_, i) => i !== leader);
    const clients = survivors.map((url) => benchClient(url, false));
    try {
      // Both writers succeed once before the kill: connections are up.
      await Promise.all(clients.map((c) => c.put('bench/failover').value(o.value).exec()));
      let recovered: number | null = null;
      const killAt = performance.now();
      const probe = async (client: (typeof clients)[number]): Promise<void> => {
        while (recovered === null && performance.now() - killAt < RECOVERY_LIMIT_MS) {
          try {
            await client
              .put('bench/failover')
              .value(o.value)
              .options({ deadline: Date.now() + PROBE_DEADLINE_MS })
              .exec();
            recovered ??= performance.now();
          } catch {
            // unavailable: try again at once
          }
        }
      };
      const kill = cluster.kill(leader, 'SIGKILL');
      await Promise.all([kill, ...clients.map(probe)]);
      if (recovered === null) throw new Error(`failover: no write succeeded within ${RECOVERY_LIMIT_MS} ms`);
      latencies.add(recovered - killAt);
    } finally {
      for (const c of clients) c.close();
    }
    await cluster.restart(leader);
    await cluster.waitHealthy();
  }
  return {
    trials: o.trials,
    p50Ms: latencies.percentile(50),
    p99Ms: latencies.percentile(99),
    maxMs: latencies.percentile(100),
  };
}

async function waitForLeader(endpoints: readonly string[]): Promise<number> {
  const deadline = performance.now() + RECOVERY_LIMIT_MS;
  for (;;) {
    const leader = await findLeader(endpoints);
    if (leader >= 0) return leader;
    if (performance.now() > deadline) throw new Error('failover: no member reports itself leader');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
