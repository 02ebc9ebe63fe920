import type { EtcdCluster } from '@flotilla/testing';
import { benchClient, findLeader } from './bench-clients.js';
import { Latencies } from './latency.js';

export interface FailoverResult {
  readonly trials: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * Writers start a Put every PROBE_INTERVAL_MS, each with its own deadline, rather than one after
 * the other: a call stuck on the dead leader then hides nothing, and the first acknowledgement comes
 * within one interval of the cluster taking writes again (sequential probes measured their own
 * deadline as much as the cluster).
 */
const PROBE_INTERVAL_MS = 10;
const PROBE_DEADLINE_MS = 2000;
const RECOVERY_LIMIT_MS = 30_000;

/**
 * Write unavailability after SIGKILL of the leader: from the kill until the first Put issued after
 * it is acknowledged by a surviving member. Writers probe every surviving member without client
 * retries, a new Put every PROBE_INTERVAL_MS. The killed member is restarted and the cluster is
 * healthy again before the next trial.
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
        const calls: Promise<void>[] = [];
        while (recovered === null && performance.now() - killAt < RECOVERY_LIMIT_MS) {
          calls.push(
            client
              .put('bench/failover')
              .value(o.value)
              .options({ deadline: Date.now() + PROBE_DEADLINE_MS })
              .exec()
              .then(
                () => {
                  recovered ??= performance.now();
                },
                () => undefined, // unavailable: a later probe will tell
              ),
          );
          await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
        }
        await Promise.all(calls);
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
