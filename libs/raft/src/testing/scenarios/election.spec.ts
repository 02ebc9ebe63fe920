import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../../testing.js';
import { ELECTION_TIMEOUT, SEEDS, labRng } from './lab-helpers.js';

describe.each(SEEDS)('lab 3A election (seed %i)', (seed) => {
  it('InitialElection', async () => {
    const c = createSimCluster({ servers: 3, seed });
    try {
      await c.checkOneLeader();
      await c.sleep(50);
      const term1 = c.checkTerms();
      expect(term1).toBeGreaterThanOrEqual(1);
      await c.sleep(2 * ELECTION_TIMEOUT);
      const term2 = c.checkTerms();
      // No failures: the term must not change (the lab only warns; we are stricter).
      expect(term2).toBe(term1);
      await c.checkOneLeader();
    } finally {
      await c.cleanup();
    }
  });

  it('ReElection', async () => {
    const c = createSimCluster({ servers: 3, seed });
    try {
      const leader1 = await c.checkOneLeader();
      c.disconnect(leader1);
      await c.checkOneLeader();
      c.connect(leader1);
      const leader2 = await c.checkOneLeader();
      c.disconnect(leader2);
      c.disconnect((leader2 + 1) % 3);
      await c.sleep(2 * ELECTION_TIMEOUT);
      await c.checkNoLeader();
      c.connect((leader2 + 1) % 3);
      await c.checkOneLeader();
      c.connect(leader2);
      await c.checkOneLeader();
    } finally {
      await c.cleanup();
    }
  });

  it('ManyElections', async () => {
    const servers = 7;
    const c = createSimCluster({ servers, seed });
    const rng = labRng(seed);
    try {
      await c.checkOneLeader();
      for (let iter = 0; iter < 10; iter++) {
        const picks = [rng.int(servers), rng.int(servers), rng.int(servers)];
        picks.forEach((i) => c.disconnect(i));
        // Either the current leader survived or a majority of the remaining servers elects one.
        await c.checkOneLeader();
        picks.forEach((i) => c.connect(i));
      }
      await c.checkOneLeader();
    } finally {
      await c.cleanup();
    }
  });
});
