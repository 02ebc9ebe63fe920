import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../../testing.js';
import { labRng, randCommand } from './lab-helpers.js';

/** A workload with elections, faults, unreliable links and snapshots; returns the trace hash. */
async function run(seed: number): Promise<{ hash: string; now: number; rpcs: number }> {
  const c = createSimCluster({ servers: 5, reliable: false, snapshot: true, seed });
  const rng = labRng(seed);
  try {
    await c.one(randCommand(rng), 3, true);
    for (let i = 0; i < 20; i++) {
      const victim = rng.int(5);
      if (i % 4 === 0) c.crash(victim);
      else c.disconnect(victim);
      for (let k = 0; k < 5; k++) c.start(rng.int(5), randCommand(rng));
      await c.sleep(200 + rng.int(300));
      if (i % 4 === 0) c.restart(victim);
      c.connect(victim);
    }
    await c.one(randCommand(rng), 5, true);
    return { hash: c.traceHash(), now: c.now(), rpcs: c.rpcCount() };
  } finally {
    await c.cleanup();
  }
}

describe('determinism', () => {
  it('the same seed replays the same history', async () => {
    const a = await run(42);
    const b = await run(42);
    expect(b).toEqual(a);
  });

  it('different seeds give different histories', async () => {
    const hashes = new Set<string>();
    for (const seed of [1, 2, 3, 4]) hashes.add((await run(seed)).hash);
    expect(hashes.size).toBe(4);
  });
});
