#!/usr/bin/env node
/**
 * Benchmarks:
 *  1. commits/s of a 3-node in-memory RaftServer cluster (MemoryNetwork, MemoryStorage, wall clock)
 *     with 1 and 64 concurrent proposers; batching comes from proposals accumulating while a Ready
 *     is being processed;
 *  2. virtual time vs wall time of simulator workloads shaped like the lab scenarios.
 * Usage: node libs/raft/dist/bench/commit-throughput.js [--ms 2000]
 */
import { createRng } from '../core/rng.js';
import type { StateMachine } from '../interfaces/state-machine.js';
import { MemoryNetwork } from '../memory/memory-network.js';
import { MemoryStorage } from '../memory/memory-storage.js';
import { SystemClock } from '../memory/system-clock.js';
import { RaftServer } from '../server/raft-server.js';
import { runRandomSim } from '../sim/fault-schedule.js';
import { createSimCluster } from '../testing/sim-cluster.js';

class Counter implements StateMachine<number> {
  n = 0;
  apply(): number {
    return ++this.n;
  }
  snapshot(): Uint8Array {
    return new TextEncoder().encode(String(this.n));
  }
  restore(s: Uint8Array): void {
    this.n = Number(new TextDecoder().decode(s));
  }
}

async function throughput(
  proposers: number,
  ms: number,
): Promise<{ commits: number; perSec: number; p50: number; p99: number }> {
  const net = new MemoryNetwork();
  const clock = new SystemClock();
  const ids = ['a', 'b', 'c'];
  const servers = await Promise.all(
    ids.map((id, k) =>
      RaftServer.start<number>({
        id,
        bootstrap: { voters: ids, learners: [] },
        storage: new MemoryStorage(),
        transport: net.transport(id),
        stateMachine: new Counter(),
        clock,
        tickMs: 10,
        rng: createRng(k + 1),
        snapshotThreshold: 10_000,
      }),
    ),
  );
  try {
    const leader = async (): Promise<RaftServer<number>> => {
      let l: RaftServer<number> | undefined;
      while (!(l = servers.find((s) => s.isLeader()))) await new Promise((r) => setTimeout(r, 5));
      return l;
    };
    const cmd = new Uint8Array(64);
    const latencies: number[] = [];
    let commits = 0;
    let failed = 0;
    const t0 = performance.now();
    const end = t0 + ms;
    await Promise.all(
      Array.from({ length: proposers }, async () => {
        while (performance.now() < end) {
          const s = performance.now();
          try {
            await (await leader()).propose(cmd);
            latencies.push(performance.now() - s);
            commits++;
          } catch {
            failed++; // a leader change dropped the proposal; the next loop finds the new leader
          }
          // MemoryNetwork delivers by microtask; yield so the servers' tick timers keep running,
          // as they would with a real network.
          await new Promise((r) => setImmediate(r));
        }
      }),
    );
    if (failed > 0)
      console.log(`  (${failed} proposals dropped by leader changes with ${proposers} proposers)`);
    const secs = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const q = (p: number): number =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
    return { commits, perSec: commits / secs, p50: q(0.5), p99: q(0.99) };
  } finally {
    for (const s of servers) await s.stop();
  }
}

async function simRatio(
  name: string,
  work: () => Promise<number>,
): Promise<{ name: string; virtualS: number; wallS: number; ratio: number }> {
  const t0 = performance.now();
  const virtualMs = await work();
  const wall = (performance.now() - t0) / 1000;
  return { name, virtualS: virtualMs / 1000, wallS: wall, ratio: virtualMs / 1000 / wall };
}

async function figure8Unreliable(seed: number): Promise<number> {
  const c = createSimCluster({ servers: 5, reliable: false, seed });
  const rng = createRng(seed);
  await c.one('0', 1, true);
  for (let i = 0; i < 1000; i++) {
    if (i === 200) c.setLongReordering(true);
    let leader = -1;
    for (let s = 0; s < 5; s++) if (c.start(s, String(rng.int(10000))).isLeader) leader = s;
    await c.sleep(rng.int(1000) < 100 ? rng.int(500) : rng.int(13));
    if (leader >= 0 && rng.int(1000) < 500) c.disconnect(leader);
    if (rng.int(10) < 3) c.connect(rng.int(5));
  }
  c.heal();
  await c.one('end', 5, true);
  await c.cleanup();
  return c.now();
}

async function snapshotInstall(seed: number): Promise<number> {
  const c = createSimCluster({ servers: 3, snapshot: true, seed });
  for (let round = 0; round < 30; round++) {
    const leader = await c.checkOneLeader();
    const victim = (leader + 1) % 3;
    c.disconnect(victim);
    for (let k = 0; k < 15; k++) await c.one(`r${round}-${k}`, 2, true);
    c.connect(victim);
    await c.one(`r${round}`, 3, true);
  }
  await c.cleanup();
  return c.now();
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--ms');
  const ms = i > 0 ? Number(process.argv[i + 1]) : 2000;
  console.log(`commit throughput, 3-node in-memory cluster, ${ms} ms per run, 64-byte commands`);
  console.log('proposers | commits | commits/s | p50 ms | p99 ms');
  for (const p of [1, 64]) {
    const r = await throughput(p, ms);
    console.log(
      `${String(p).padStart(9)} | ${String(r.commits).padStart(7)} | ${r.perSec.toFixed(0).padStart(9)} | ${r.p50.toFixed(3).padStart(6)} | ${r.p99.toFixed(3).padStart(6)}`,
    );
  }
  console.log('\nsimulator: virtual time vs wall time');
  console.log('workload                      | virtual s | wall s | ratio');
  const rows = [
    await simRatio(
      'Figure8Unreliable x3',
      async () => (await figure8Unreliable(1)) + (await figure8Unreliable(2)) + (await figure8Unreliable(3)),
    ),
    await simRatio('SnapshotInstall x30 rounds', () => snapshotInstall(1)),
    await simRatio('random faults, 200 seeds', async () => {
      let v = 0;
      for (let s = 1; s <= 200; s++) v += (await runRandomSim({ seed: s, steps: 40 })).virtualMs;
      return v;
    }),
  ];
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(29)} | ${r.virtualS.toFixed(0).padStart(9)} | ${r.wallS.toFixed(2).padStart(6)} | ${r.ratio.toFixed(0)}x`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
