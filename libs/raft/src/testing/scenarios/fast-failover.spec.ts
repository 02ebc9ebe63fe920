import { describe, expect, it } from 'vitest';
import { createSimCluster, type SimCluster } from '../../testing.js';
import { SEEDS } from './lab-helpers.js';

const TICK_MS = 100; // the simulator's tick
const ELECTION_TICKS = 10;

/** Virtual ms until one of `survivors` leads (polled every 5 ms). */
async function msToNewLeader(c: SimCluster, survivors: readonly number[]): Promise<number> {
  const from = c.now();
  while (!survivors.some((i) => c.getState(i).isLeader)) {
    if (c.now() - from > 10 * ELECTION_TICKS * TICK_MS) throw new Error('no new leader');
    await c.sleep(5);
  }
  return c.now() - from;
}

/**
 * A crashed leader's connections close, and the simulator tells the servers that could reach it
 * (as GrpcTransport does): they replace it within a few ticks. A leader that is only cut off closes
 * nothing and is replaced after an election timeout, as before.
 */
describe.each(SEEDS)('fast failover (seed %i)', (seed) => {
  const raft = { electionTicks: ELECTION_TICKS, preVote: true, checkQuorum: true };

  it('a crashed leader is replaced within three ticks', async () => {
    const c = createSimCluster({ servers: 3, seed, raft });
    try {
      const leader = await c.checkOneLeader();
      await c.one('x', 3, true);
      c.crash(leader);
      const survivors = [0, 1, 2].filter((i) => i !== leader);
      expect(await msToNewLeader(c, survivors)).toBeLessThanOrEqual(3 * TICK_MS);
      await c.one('y', 2, true);
    } finally {
      await c.cleanup();
    }
  });

  it('a leader cut off without closing its connections takes an election timeout', async () => {
    const c = createSimCluster({ servers: 3, seed, raft });
    try {
      const leader = await c.checkOneLeader();
      await c.one('x', 3, true);
      c.disconnect(leader);
      const survivors = [0, 1, 2].filter((i) => i !== leader);
      expect(await msToNewLeader(c, survivors)).toBeGreaterThanOrEqual((ELECTION_TICKS - 1) * TICK_MS);
    } finally {
      await c.cleanup();
    }
  });
});
