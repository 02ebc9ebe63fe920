import { REGISTRY_BINARIES, startEtcdCluster, type RegistryBinary } from '@flotilla/testing';
import { ConfigClient } from '../client/config-client.js';
import { WatchingProcess } from './watching-process.js';

/**
 * Config set acknowledged → every one of N watching service processes holds the new typed value:
 * p50/p99 over CHANGES sets, on a 3-member etcd and a 3-member flotilla-store in the same run.
 * Each set waits for the previous one to reach everyone, so the figures are latencies, not queueing.
 */
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 10);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? REGISTRY_BINARIES.join(',')).split(',') as RegistryBinary[];

interface Result {
  system: RegistryBinary;
  p50: number;
  p99: number;
  max: number;
}

async function measure(system: RegistryBinary): Promise<Result> {
  const cluster = await startEtcdCluster({ binary: system, size: 3 });
  const watchers: WatchingProcess[] = [];
  const client = new ConfigClient({ endpoints: cluster.endpoints });
  try {
    for (let i = 0; i < WATCHERS; i++) watchers.push(await WatchingProcess.start('bench', cluster.endpoints));
    const latencies: number[] = [];
    for (let i = 1; i <= CHANGES; i++) {
      const revision = await client.setConfig('bench', 'step', i);
      const acked = performance.now();
      const held = await Promise.all(watchers.map((w) => w.holds(revision)));
      latencies.push(Math.max(0, Math.max(...held) - acked));
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return { system, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1]! };
  } finally {
    client.close();
    await Promise.all(watchers.map((w) => w.stop()));
    await cluster.stop();
  }
}

const results: Result[] = [];
for (const system of SYSTEMS) {
  results.push(await measure(system));
  console.error(`[bench] ${system} done`);
}
console.log(
  `config set acknowledged -> ${WATCHERS} watching processes hold the new value, ${CHANGES} changes, 3 members, node ${process.version}`,
);
console.log('system          p50 ms  p99 ms  max ms');
for (const r of results)
  console.log(
    `${r.system.padEnd(14)}  ${r.p50.toFixed(2).padStart(6)}  ${r.p99.toFixed(2).padStart(6)}  ${r.max.toFixed(2).padStart(6)}`,
  );
const etcd = results.find((r) => r.system === 'etcd');
const store = results.find((r) => r.system === 'flotilla-store');
if (etcd && store)
  console.log(
    `store/etcd      ${(store.p50 / etcd.p50).toFixed(2).padStart(6)}  ${(store.p99 / etcd.p99).toFixed(2).padStart(6)}`,
  );
