import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../testing.js';

/** Membership changes, leadership transfer, ReadIndex and harness self-checks, in the simulator. */
describe.each([1, 2, 3])('sim extensions (seed %i)', (seed) => {
  it('InstallSnapshot is really exercised and the log stays compact', async () => {
    const c = createSimCluster({ servers: 3, snapshot: true, seed });
    try {
      const leader = await c.checkOneLeader();
      const victim = (leader + 1) % 3;
      c.disconnect(victim);
      for (let i = 0; i < 40; i++) await c.one(`v${i}-${'x'.repeat(60)}`, 2, true);
      c.connect(victim);
      await c.one('after', 3, true);
      expect(c.messageCount('snapshot')).toBeGreaterThan(1); // 1 KiB chunks
      expect(c.status(victim)?.snapshotIndex).toBeGreaterThan(30);
      for (let i = 0; i < 3; i++) expect(c.logSize(i)).toBeLessThan(8 * 1024);
    } finally {
      await c.cleanup();
    }
  });

  it('adds a voter and a learner, promotes, removes the leader', async () => {
    const c = createSimCluster({ servers: 5, voters: 3, seed });
    try {
      await c.one('a', 3, true);
      let leader = await c.checkOneLeader();
      expect(c.addVoter(leader, 3)).toBe(true);
      expect(c.addLearner(leader, 4)).toBe(false); // one change at a time
      await c.one('b', 4, true);
      expect(c.status(leader)?.membership.voters).toEqual(['s0', 's1', 's2', 's3']);
      expect(c.addLearner(leader, 4)).toBe(true);
      await c.one('c', 5, true);
      expect(c.status(4)?.membership.learners).toEqual(['s4']);
      // A learner never campaigns or counts for commit: cut two voters off, nothing commits.
      c.disconnect((leader + 1) % 4);
      c.disconnect((leader + 2) % 4);
      const r = c.start(leader, 'no-quorum');
      await c.sleep(1500);
      expect(c.nCommitted(r.index).count).toBe(0);
      c.heal();
      leader = await c.checkOneLeader();
      await c.one('d', 5, true);
      expect(c.addVoter(leader, 4)).toBe(true); // promote
      await c.one('e', 5, true);
      expect(c.removeServer(leader, leader)).toBe(true);
      await c.one('f', 4, true);
      const newLeader = await c.checkOneLeader();
      expect(newLeader).not.toBe(leader);
      expect(c.status(newLeader)?.membership.voters).not.toContain(`s${leader}`);
      // The removed server neither disrupts nor receives new entries.
      await c.sleep(3000);
      expect(await c.checkOneLeader()).toBe(newLeader);
      const idx = await c.one('g', 4, true);
      expect(c.nCommitted(idx).count).toBe(4);
    } finally {
      await c.cleanup();
    }
  });

  it('transfers leadership to an up-to-date follower and to a lagging one', async () => {
    const c = createSimCluster({ servers: 3, seed });
    try {
      await c.one('a', 3, true);
      const leader = await c.checkOneLeader();
      const target = (leader + 1) % 3;
      const term = c.getState(leader).term;
      expect(c.transferLeadership(leader, target)).toBe(true);
      await c.sleep(300);
      expect(c.getState(target).isLeader).toBe(true);
      expect(c.getState(target).term).toBe(term + 1);
      // Lagging target: it must first catch up.
      const lagging = (target + 1) % 3;
      c.disconnect(lagging);
      for (let i = 0; i < 20; i++) await c.one(`x${i}`, 2, true);
      c.connect(lagging);
      expect(c.transferLeadership(target, lagging)).toBe(true);
      expect(c.start(target, 'during-transfer').index).toBe(-1); // proposals are refused while transferring
      await c.sleep(500);
      expect(c.getState(lagging).isLeader).toBe(true);
      await c.one('b', 3, true);
    } finally {
      await c.cleanup();
    }
  });

  it('a leader that removes itself hands leadership to an up-to-date voter at once', async () => {
    const c = createSimCluster({ servers: 5, seed });
    try {
      await c.one('a', 5, true);
      const leader = await c.checkOneLeader();
      const term = c.getState(leader).term;
      const timeoutNows = c.messageCount('timeout-now');
      expect(c.removeServer(leader, leader)).toBe(true);
      const t0 = c.now();
      let next = -1;
      while (next < 0 && c.now() - t0 < 3000) {
        await c.sleep(10);
        for (let i = 0; i < 5; i++) if (i !== leader && c.getState(i).isLeader) next = i;
      }
      // Well under the 1–2 s election timeout: TimeoutNow, not an election timeout, started it.
      expect(c.now() - t0).toBeLessThan(500);
      expect(c.messageCount('timeout-now')).toBe(timeoutNows + 1);
      expect(c.getState(next).term).toBe(term + 1);
      expect(c.getState(leader).isLeader).toBe(false);
      expect(c.status(next)?.membership.voters).not.toContain(`s${leader}`);
      await c.one('b', 4, true);
    } finally {
      await c.cleanup();
    }
  });

  it('ReadIndex reads are linearizable and a deposed leader cannot serve them', async () => {
    const c = createSimCluster({ servers: 5, seed });
    try {
      const written: string[] = [];
      for (let i = 0; i < 5; i++) {
        const v = `w${i}`;
        await c.one(v, 5, true);
        written.push(v);
        const leader = await c.checkOneLeader();
        const seen = await c.linearizableRead(leader);
        for (const w of written) expect(seen).toContain(w);
      }
      const old = await c.checkOneLeader();
      c.partition([
        [old, (old + 1) % 5],
        [(old + 2) % 5, (old + 3) % 5, (old + 4) % 5],
      ]);
      await expect(c.linearizableRead(old, 3000)).rejects.toThrow(/read/);
      const fresh = await c.checkOneLeader();
      expect([old, (old + 1) % 5]).not.toContain(fresh);
      await c.one('after-partition', 3, true);
      const seen = await c.linearizableRead(fresh);
      expect(seen).toContain('after-partition');
      c.heal();
      await c.one('healed', 5, true);
    } finally {
      await c.cleanup();
    }
  });

  it('PreVote: a rejoining partitioned server does not bump the term or depose the leader', async () => {
    const c = createSimCluster({ servers: 3, seed });
    try {
      await c.one('a', 3, true);
      const leader = await c.checkOneLeader();
      const term = c.getState(leader).term;
      const lonely = (leader + 1) % 3;
      c.disconnect(lonely);
      await c.sleep(10_000);
      expect(c.getState(lonely).term).toBe(term);
      c.connect(lonely);
      await c.one('b', 3, true);
      expect(await c.checkOneLeader()).toBe(leader);
      expect(c.checkTerms()).toBe(term);
    } finally {
      await c.cleanup();
    }
  });
});
