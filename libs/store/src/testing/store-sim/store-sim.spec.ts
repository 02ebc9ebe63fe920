import { beforeAll, describe, expect, it } from 'vitest';
import { runStoreSim, type StoreSimResult } from './run-store-seed.js';

/** Seeds the spec runs; `nx run store:sim --seeds 200` runs many more. */
const SEEDS = [1, 2, 3, 4, 5, 6];

describe("the store's state machine under the server-loop simulator, checked for linearizability", () => {
  const results = new Map<number, StoreSimResult>();

  beforeAll(async () => {
    for (const seed of SEEDS) results.set(seed, await runStoreSim({ seed }));
  });

  it.each(SEEDS)(
    'seed %i: Raft invariants hold and the clients see a linearizable register per key',
    (seed) => {
      const r = results.get(seed);
      expect(r?.error).toBeUndefined();
      expect(r?.sim.ok).toBe(true);
      expect(r?.check.verdict).toBe('ok');
    },
  );

  it('checks a history with every kind of operation, and writes of unknown outcome', () => {
    const ops = [...results.values()].flatMap((r) => r.history);
    const answered = ops.filter((op) => op.returnedAt !== Infinity);
    expect(answered.filter((op) => op.input.op === 'read' && op.output !== null).length).toBeGreaterThan(10);
    expect(answered.filter((op) => op.input.op === 'write').length).toBeGreaterThan(10);
    expect(answered.filter((op) => op.input.op === 'cas' && op.output === true).length).toBeGreaterThan(5);
    expect(answered.filter((op) => op.input.op === 'cas' && op.output === false).length).toBeGreaterThan(5);
    expect(ops.filter((op) => op.returnedAt === Infinity).length).toBeGreaterThan(0);
  });

  it('replays a seed exactly', async () => {
    const a = await runStoreSim({ seed: 3, faultMs: 2000 });
    const b = await runStoreSim({ seed: 3, faultMs: 2000 });
    expect(b.sim.traceHash).toBe(a.sim.traceHash);
    expect(b.history).toEqual(a.history);
  });
});
