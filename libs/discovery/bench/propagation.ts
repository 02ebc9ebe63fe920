/**
 * Propagation latency on loopback: from `register()` returning to a separate watching client
 * seeing the endpoint, and from starting the revoke (`deregister()`) to the watcher seeing it gone.
 * Starts its own single-member etcd and removes it afterwards.
 *
 *   npx nx run discovery:bench            (200 trials)
 *   node libs/discovery/dist/bench/propagation.js --trials 500
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createDiscovery, type ServiceEndpoint } from '@flotilla/discovery';
import { startEtcdCluster } from '@flotilla/testing';

const { values } = parseArgs({ options: { trials: { type: 'string', default: '200' } } });
const trials = Number(values.trials);
if (!Number.isInteger(trials) || trials < 1)
  throw new Error(`--trials must be a positive integer, got ${values.trials}`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(2).padStart(7);
  return `${label.padEnd(22)} n=${sorted.length}  p50=${f(percentile(sorted, 50))} ms  p90=${f(percentile(sorted, 90))} ms  p99=${f(percentile(sorted, 99))} ms  max=${f(sorted.at(-1) ?? NaN)} ms`;
}

async function main(): Promise<void> {
  const cluster = await startEtcdCluster({ size: 1 });
  const registrar = await createDiscovery({ endpoints: cluster.endpoints });
  const watcher = await createDiscovery({ endpoints: cluster.endpoints });
  try {
    let current = new Set<string>();
    let waiter: { check: (ids: Set<string>) => boolean; resolve: (at: number) => void } | undefined;
    const unsubscribe = watcher.subscribe('bench', (set: ServiceEndpoint[]) => {
      const at = performance.now();
      current = new Set(set.map((e) => e.instanceId));
      if (waiter?.check(current)) {
        waiter.resolve(at);
        waiter = undefined;
      }
    });
    // When the condition already holds, the event beat the caller: count it as 0 ms.
    const until = (check: (ids: Set<string>) => boolean, since: number) =>
      check(current)
        ? Promise.resolve(since)
        : new Promise<number>((resolve) => (waiter = { check, resolve }));

    const toSeen: number[] = [];
    const toRemoved: number[] = [];
    for (let i = 0; i < trials; i++) {
      const id = `bench-${i}`;
      const registration = await registrar.register({
        service: 'bench',
        instanceId: id,
        address: `127.0.0.1:${10_000 + i}`,
      });
      const registeredAt = performance.now();
      toSeen.push((await until((ids) => ids.has(id), registeredAt)) - registeredAt);
      const revokeAt = performance.now();
      const removed = until((ids) => !ids.has(id), revokeAt);
      await registration.deregister();
      toRemoved.push((await removed) - revokeAt);
    }
    unsubscribe();
    console.log(
      `discovery propagation on loopback, single-member etcd, ${trials} trials (node ${process.version})`,
    );
    console.log(summary('register() -> seen', toSeen));
    console.log(summary('revoke -> removed', toRemoved));
  } finally {
    await registrar.close();
    await watcher.close();
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
