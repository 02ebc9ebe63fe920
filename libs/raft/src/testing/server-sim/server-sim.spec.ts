import { describe, expect, it } from 'vitest';
import { runServerSim } from '../../sim/server-fault-schedule.js';

/** Seeds the spec runs; CI runs 1,000 through `nx run raft:server-sim`. */
const SEEDS = Array.from({ length: 30 }, (_, k) => k + 1);

describe('server-loop simulation (real RaftServers, simulated disk, network and clock)', () => {
  it('replays a seed exactly: same trace hash, same statistics', async () => {
    const a = await runServerSim({ seed: 7 });
    const b = await runServerSim({ seed: 7 });
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.stats).toEqual(a.stats);
    expect(a.stats.events).toBeGreaterThan(100);
  });

  it('different seeds give different histories', async () => {
    const hashes = new Set<string>();
    for (const seed of [1, 2, 3, 4]) hashes.add((await runServerSim({ seed, faultMs: 1000 })).traceHash);
    expect(hashes.size).toBe(4);
  });

  // The nextTick drain is the cheap one; it must let exactly as much run as a full macrotask turn.
  it.each([11, 12, 13, 14])('seed %i: the nextTick drain and the setImmediate drain agree', async (seed) => {
    const tick = await runServerSim({ seed, drain: 'tick', faultMs: 2000 });
    const immediate = await runServerSim({ seed, drain: 'immediate', faultMs: 2000 });
    expect(immediate.traceHash).toBe(tick.traceHash);
  });

  it.each(SEEDS)('seed %i keeps every invariant and recovers', async (seed) => {
    const res = await runServerSim({ seed });
    expect(res.error, res.shape).toBeUndefined();
    expect(res.ok).toBe(true);
  });
});
