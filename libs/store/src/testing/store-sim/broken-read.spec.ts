import { describe, expect, it } from 'vitest';
import { runStoreSim } from './run-store-seed.js';

describe('the store simulation catches a broken read path', () => {
  // Members answer linearizable Ranges from their own state without ReadIndex: a lagging follower,
  // or a leader cut off by a partition and already replaced, serves stale values. Raft itself is
  // unharmed, so only the clients' history can show it.
  it('finds stale reads from local state without ReadIndex within a few seeds', async () => {
    const results = [];
    for (const seed of [1, 2, 3, 4, 5, 6])
      results.push(await runStoreSim({ seed, readPath: 'local-unsafe' }));
    expect(results.map((r) => r.sim.error)).toEqual(results.map(() => undefined));
    const caught = results.filter((r) => r.check.verdict === 'illegal');
    expect(caught.length).toBeGreaterThan(0);
    expect(caught.some((r) => r.sim.profile === 'partition')).toBe(true);
    expect(caught[0].error).toMatch(/^not linearizable on key k\d .*cannot place: .*read\(\)/s);
  });
});
