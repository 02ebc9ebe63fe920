import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../../testing.js';
import { ELECTION_TIMEOUT, SEEDS, labRng, randCommand, randString } from './lab-helpers.js';

describe.each(SEEDS)('lab 3B agreement (seed %i)', (seed) => {
  it('BasicAgree', async () => {
    const servers = 3;
    const c = createSimCluster({ servers, seed });
    try {
      let prev = 0;
      for (let k = 1; k <= 3; k++) {
        // Nothing may be committed at the next index before Start().
        expect(c.nCommitted(prev + 1).count).toBe(0);
        const index = await c.one(String(k * 100), servers, false);
        if (k === 1)
          expect(index).toBeLessThanOrEqual(3); // index 1: bootstrap config, 2: the leader's no-op
        else expect(index).toBe(prev + 1);
        prev = index;
      }
    } finally {
      await c.cleanup();
    }
  });

  it('RPCBytes', async () => {
    const servers = 3;
    const c = createSimCluster({ servers, seed });
    const rng = labRng(seed);
    try {
      const first = await c.one('99', servers, false);
      const bytes0 = c.bytesTotal();
      let sent = 0;
      for (let index = first + 1; index < first + 10; index++) {
        const cmd = randString(rng, 5000);
        const x = await c.one(cmd, servers, false);
        expect(x).toBe(index);
        sent += cmd.length;
      }
      const got = c.bytesTotal() - bytes0;
      const expected = servers * sent;
      expect(got, `too many RPC bytes; got ${got}, expected ${expected}`).toBeLessThanOrEqual(
        expected + 50_000,
      );
    } finally {
      await c.cleanup();
    }
  });

  it('FollowerFailure', async () => {
    const servers = 3;
    const c = createSimCluster({ servers, seed });
    try {
      await c.one('101', servers, false);
      const leader1 = await c.checkOneLeader();
      c.disconnect((leader1 + 1) % servers);
      await c.one('102', servers - 1, false);
      await c.sleep(ELECTION_TIMEOUT);
      await c.one('103', servers - 1, false);
      const leader2 = await c.checkOneLeader();
      c.disconnect((leader2 + 1) % servers);
      c.disconnect((leader2 + 2) % servers);
      const r = c.start(leader2, '104');
      expect(r.isLeader).toBe(true);
      await c.sleep(2 * ELECTION_TIMEOUT);
      expect(c.nCommitted(r.index).count, 'committed without a majority').toBe(0);
    } finally {
      await c.cleanup();
    }
  });

  it('LeaderFailure', async () => {
    const servers = 3;
    const c = createSimCluster({ servers, seed });
    try {
      await c.one('101', servers, false);
      const leader1 = await c.checkOneLeader();
      c.disconnect(leader1);
      await c.one('102', servers - 1, false);
      await c.sleep(ELECTION_TIMEOUT);
      await c.one('103', servers - 1, false);
      const leader2 = await c.checkOneLeader();
      c.disconnect(leader2);
      c.disconnect((leader2 + 1) % servers);
      const indexes: number[] = [];
      for (let i = 0; i < servers; i++) {
        const r = c.start(i, '104');
        if (r.index > 0) indexes.push(r.index);
      }
      await c.sleep(2 * ELECTION_TIMEOUT);
      for (const index of indexes) {
        expect(c.nCommitted(index).command === '104' ? 1 : 0, `104 committed at ${index}`).toBe(0);
      }
    } finally {
      await c.cleanup();
    }
  });

  it('FailAgree', async () => {
    const servers = 3;
    const c = createSimCluster({ servers, seed });
    try {
      await c.one('101', servers, false);
      const leader = await c.checkOneLeader();
      c.disconnect((leader + 1) % servers);
      await c.one('102', servers - 1, false);
      await c.one('103', servers - 1, false);
      await c.sleep(ELECTION_TIMEOUT);
      await c.one('104', servers - 1, false);
      await c.one('105', servers - 1, false);
      c.connect((leader + 1) % servers);
      await c.one('106', servers, true);
      await c.sleep(ELECTION_TIMEOUT);
      await c.one('107', servers, true);
    } finally {
      await c.cleanup();
    }
  });

  it('FailNoAgree', async () => {
    const servers = 5;
    const c = createSimCluster({ servers, seed });
    try {
      const i10 = await c.one('10', servers, false);
      const leader = await c.checkOneLeader();
      for (const d of [1, 2, 3]) c.disconnect((leader + d) % servers);
      const r = c.start(leader, '20');
      expect(r.isLeader).toBe(true);
      expect(r.index).toBe(i10 + 1);
      await c.sleep(2 * ELECTION_TIMEOUT);
      expect(c.nCommitted(r.index).count, 'committed without a majority').toBe(0);
      for (const d of [1, 2, 3]) c.connect((leader + d) % servers);
      const leader2 = await c.checkOneLeader();
      const r2 = c.start(leader2, '30');
      expect(r2.isLeader).toBe(true);
      // 20 may or may not survive, and a new leader appends a no-op first.
      expect(r2.index).toBeGreaterThanOrEqual(i10 + 1);
      expect(r2.index).toBeLessThanOrEqual(i10 + 3);
      await c.one('1000', servers, true);
    } finally {
      await c.cleanup();
    }
  });

  it('ConcurrentStarts', async () => {
    const servers = 3;
    const c = createSimCluster({ servers, seed });
    try {
      let success = false;
      for (let attempt = 0; attempt < 5 && !success; attempt++) {
        if (attempt > 0) await c.sleep(3000);
        const leader = await c.checkOneLeader();
        const first = c.start(leader, '1');
        if (!first.isLeader) continue;
        const results = Array.from({ length: 5 }, (_, i) => c.start(leader, String(100 + i)));
        if (results.some((r) => !r.isLeader || r.term !== first.term)) continue;
        const values: string[] = [];
        let moved = false;
        for (const r of results) {
          const cmd = await c.wait(r.index, servers, first.term);
          if (cmd === undefined) {
            moved = true;
            break;
          }
          values.push(cmd);
        }
        if (moved) continue;
        for (let i = 0; i < 5; i++) expect(values).toContain(String(100 + i));
        success = true;
      }
      expect(success, 'term changed too often').toBe(true);
    } finally {
      await c.cleanup();
    }
  });

  it('Rejoin', async () => {
    const servers = 3;
    const c = createSimCluster({ servers, seed });
    try {
      await c.one('101', servers, true);
      const leader1 = await c.checkOneLeader();
      c.disconnect(leader1);
      c.start(leader1, '102');
      c.start(leader1, '103');
      c.start(leader1, '104');
      await c.one('103', 2, true);
      const leader2 = await c.checkOneLeader();
      c.disconnect(leader2);
      c.connect(leader1);
      await c.one('104', 2, true);
      c.connect(leader2);
      await c.one('105', servers, true);
    } finally {
      await c.cleanup();
    }
  });

  it('Backup', async () => {
    const servers = 5;
    const c = createSimCluster({ servers, seed });
    const rng = labRng(seed);
    try {
      await c.one(randCommand(rng), servers, true);
      const leader1 = await c.checkOneLeader();
      for (const d of [2, 3, 4]) c.disconnect((leader1 + d) % servers);
      for (let i = 0; i < 50; i++) c.start(leader1, randCommand(rng));
      await c.sleep(ELECTION_TIMEOUT / 2);
      c.disconnect(leader1);
      c.disconnect((leader1 + 1) % servers);
      for (const d of [2, 3, 4]) c.connect((leader1 + d) % servers);
      for (let i = 0; i < 50; i++) await c.one(randCommand(rng), 3, true);
      const leader2 = await c.checkOneLeader();
      let other = (leader1 + 2) % servers;
      if (leader2 === other) other = (leader2 + 1) % servers;
      c.disconnect(other);
      for (let i = 0; i < 50; i++) c.start(leader2, randCommand(rng));
      await c.sleep(ELECTION_TIMEOUT / 2);
      for (let i = 0; i < servers; i++) c.disconnect(i);
      c.connect(leader1);
      c.connect((leader1 + 1) % servers);
      c.connect(other);
      for (let i = 0; i < 50; i++) await c.one(randCommand(rng), 3, true);
      for (let i = 0; i < servers; i++) c.connect(i);
      await c.one(randCommand(rng), servers, true);
    } finally {
      await c.cleanup();
    }
  });

  it('Count', async () => {
    const servers = 3;
    const c = createSimCluster({ servers, seed });
    const rng = labRng(seed);
    try {
      await c.checkOneLeader();
      const electionRpcs = c.rpcCount();
      expect(
        electionRpcs,
        `too many or few RPCs (${electionRpcs}) to elect initial leader`,
      ).toBeGreaterThanOrEqual(1);
      expect(electionRpcs, `too many RPCs (${electionRpcs}) to elect initial leader`).toBeLessThanOrEqual(30);

      let total2 = 0;
      let success = false;
      for (let attempt = 0; attempt < 5 && !success; attempt++) {
        if (attempt > 0) await c.sleep(3000);
        const leader = await c.checkOneLeader();
        const total1 = c.rpcCount();
        const iters = 10;
        const s = c.start(leader, '1');
        if (!s.isLeader) continue;
        const cmds: string[] = [];
        let ok = true;
        for (let i = 1; i < iters + 2; i++) {
          const x = randCommand(rng);
          cmds.push(x);
          const r = c.start(leader, x);
          if (!r.isLeader || r.term !== s.term) {
            ok = false;
            break;
          }
          expect(r.index, 'Start() failed').toBe(s.index + i);
        }
        if (!ok) continue;
        for (let i = 1; i < iters + 1 && ok; i++) {
          const cmd = await c.wait(s.index + i, servers, s.term);
          if (cmd === undefined) ok = false;
          else expect(cmd).toBe(cmds[i - 1]);
        }
        if (!ok) continue;
        if (Array.from({ length: servers }, (_, i) => c.getState(i).term).some((t) => t !== s.term)) continue;
        total2 = c.rpcCount();
        const used = total2 - total1;
        expect(used, `too many RPCs (${used}) for ${iters} entries`).toBeLessThanOrEqual((iters + 1 + 3) * 3);
        success = true;
      }
      expect(success, 'term changed too often').toBe(true);
      await c.sleep(ELECTION_TIMEOUT);
      const idle = c.rpcCount() - total2;
      expect(idle, `too many RPCs (${idle}) for 1 second of idleness`).toBeLessThanOrEqual(3 * 20);
    } finally {
      await c.cleanup();
    }
  });
});
