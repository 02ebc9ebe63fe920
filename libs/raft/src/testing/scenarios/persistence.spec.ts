import { describe, expect, it } from 'vitest';
import { createSimCluster, type SimCluster } from '../../testing.js';
import { ELECTION_TIMEOUT, SEEDS, labRng, randCommand } from './lab-helpers.js';

function restartAll(c: SimCluster): void {
  for (let i = 0; i < c.n; i++) c.crash(i);
  for (let i = 0; i < c.n; i++) {
    c.restart(i);
    c.connect(i);
  }
}

describe.each(SEEDS)('lab 3C persistence (seed %i)', (seed) => {
  it('Persist1', async () => {
    const servers = 3;
    const c = createSimCluster({ servers, seed });
    try {
      await c.one('11', servers, true);
      restartAll(c);
      await c.one('12', servers, true);
      const leader1 = await c.checkOneLeader();
      c.disconnect(leader1);
      c.restart(leader1);
      c.connect(leader1);
      await c.one('13', servers, true);
      const leader2 = await c.checkOneLeader();
      c.disconnect(leader2);
      const i14 = await c.one('14', servers - 1, true);
      c.restart(leader2);
      c.connect(leader2);
      expect(await c.wait(i14, servers, -1)).toBe('14');
      const i3 = ((await c.checkOneLeader()) + 1) % servers;
      c.disconnect(i3);
      await c.one('15', servers - 1, true);
      c.restart(i3);
      c.connect(i3);
      await c.one('16', servers, true);
    } finally {
      await c.cleanup();
    }
  });

  it('Persist2', async () => {
    const servers = 5;
    const c = createSimCluster({ servers, seed });
    try {
      let index = 1;
      for (let iters = 0; iters < 5; iters++) {
        await c.one(String(10 + index++), servers, true);
        const leader1 = await c.checkOneLeader();
        c.disconnect((leader1 + 1) % servers);
        c.disconnect((leader1 + 2) % servers);
        await c.one(String(10 + index++), servers - 2, true);
        c.disconnect(leader1 % servers);
        c.disconnect((leader1 + 3) % servers);
        c.disconnect((leader1 + 4) % servers);
        c.restart((leader1 + 1) % servers);
        c.restart((leader1 + 2) % servers);
        c.connect((leader1 + 1) % servers);
        c.connect((leader1 + 2) % servers);
        await c.sleep(ELECTION_TIMEOUT);
        c.restart((leader1 + 3) % servers);
        c.connect((leader1 + 3) % servers);
        await c.one(String(10 + index++), servers - 2, true);
        c.connect((leader1 + 4) % servers);
        c.connect(leader1 % servers);
      }
      await c.one('1000', servers, true);
    } finally {
      await c.cleanup();
    }
  });

  it('Persist3', async () => {
    const servers = 3;
    const c = createSimCluster({ servers, seed });
    try {
      await c.one('101', 3, true);
      const leader = await c.checkOneLeader();
      c.disconnect((leader + 2) % servers);
      await c.one('102', 2, true);
      c.crash(leader % servers);
      c.crash((leader + 1) % servers);
      c.connect((leader + 2) % servers);
      c.restart(leader % servers);
      c.connect(leader % servers);
      await c.one('103', 2, true);
      c.restart((leader + 1) % servers);
      c.connect((leader + 1) % servers);
      await c.one('104', servers, true);
    } finally {
      await c.cleanup();
    }
  });

  it('Figure8', async () => {
    const servers = 5;
    const c = createSimCluster({ servers, seed });
    const rng = labRng(seed);
    try {
      await c.one(randCommand(rng), 1, true);
      const up = new Array<boolean>(servers).fill(true);
      let nup = servers;
      for (let iters = 0; iters < 1000; iters++) {
        let leader = -1;
        for (let i = 0; i < servers; i++) {
          if (c.start(i, randCommand(rng)).isLeader) leader = i;
        }
        if (rng.int(1000) < 100) await c.sleep(rng.int(ELECTION_TIMEOUT / 2));
        else await c.sleep(rng.int(13));
        if (leader !== -1) {
          c.crash(leader);
          up[leader] = false;
          nup--;
        }
        if (nup < 3) {
          const s = rng.int(servers);
          if (!up[s]) {
            c.restart(s);
            c.connect(s);
            up[s] = true;
            nup++;
          }
        }
      }
      for (let i = 0; i < servers; i++) {
        if (!up[i]) {
          c.restart(i);
          c.connect(i);
        }
      }
      await c.one(randCommand(rng), servers, true);
    } finally {
      await c.cleanup();
    }
  });

  it('UnreliableAgree', async () => {
    const servers = 5;
    const c = createSimCluster({ servers, reliable: false, seed });
    try {
      const clients: Promise<number>[] = [];
      for (let iters = 1; iters < 50; iters++) {
        for (let j = 0; j < 4; j++) clients.push(c.one(String(100 * iters + j), 1, true));
        await c.one(String(iters), 1, true);
      }
      c.setReliable(true);
      await Promise.all(clients);
      await c.one('100', servers, true);
    } finally {
      await c.cleanup();
    }
  });

  it('Figure8Unreliable', async () => {
    const servers = 5;
    const c = createSimCluster({ servers, reliable: false, seed });
    const rng = labRng(seed);
    const connected = new Array<boolean>(servers).fill(true);
    try {
      await c.one(String(rng.int(10000)), 1, true);
      let nup = servers;
      for (let iters = 0; iters < 1000; iters++) {
        if (iters === 200) c.setLongReordering(true);
        let leader = -1;
        for (let i = 0; i < servers; i++) {
          if (c.start(i, String(rng.int(10000))).isLeader && connected[i]) leader = i;
        }
        if (rng.int(1000) < 100) await c.sleep(rng.int(ELECTION_TIMEOUT / 2));
        else await c.sleep(rng.int(13));
        if (leader !== -1 && rng.int(1000) < ELECTION_TIMEOUT / 2) {
          c.disconnect(leader);
          connected[leader] = false;
          nup--;
        }
        if (nup < 3) {
          const s = rng.int(servers);
          if (!connected[s]) {
            c.connect(s);
            connected[s] = true;
            nup++;
          }
        }
      }
      for (let i = 0; i < servers; i++) c.connect(i);
      await c.one(String(rng.int(10000)), servers, true);
    } finally {
      await c.cleanup();
    }
  });

  for (const unreliable of [false, true]) {
    it(unreliable ? 'UnreliableChurn' : 'ReliableChurn', async () => {
      const servers = 5;
      const c = createSimCluster({ servers, reliable: !unreliable, seed });
      const rng = labRng(seed);
      let stop = false;
      const up = new Array<boolean>(servers).fill(true);
      const client = async (me: number): Promise<string[]> => {
        const values: string[] = [];
        while (!stop) {
          const x = randCommand(rng);
          let index = -1;
          for (let i = 0; i < servers; i++) {
            const r = c.start(i, x);
            if (r.isLeader) index = r.index;
          }
          if (index > 0) {
            for (const to of [10, 20, 50, 100, 200]) {
              const { count, command } = c.nCommitted(index);
              if (count > 0) {
                if (command === x) values.push(x);
                break;
              }
              await c.sleep(to);
            }
          } else {
            await c.sleep(79 + me * 17);
          }
        }
        return values;
      };
      try {
        const clients = [0, 1, 2].map((me) => client(me));
        for (let iters = 0; iters < 20; iters++) {
          if (rng.int(1000) < 200) c.disconnect(rng.int(servers));
          if (rng.int(1000) < 500) {
            const i = rng.int(servers);
            if (!up[i]) c.restart(i);
            up[i] = true;
            c.connect(i);
          }
          if (rng.int(1000) < 200) {
            const i = rng.int(servers);
            if (up[i]) c.crash(i);
            up[i] = false;
          }
          await c.sleep((ELECTION_TIMEOUT * 7) / 10);
        }
        await c.sleep(ELECTION_TIMEOUT);
        c.setReliable(true);
        for (let i = 0; i < servers; i++) {
          if (!up[i]) c.restart(i);
          c.connect(i);
        }
        stop = true;
        const values = (await Promise.all(clients)).flat();
        await c.sleep(ELECTION_TIMEOUT);
        const lastIndex = await c.one(randCommand(rng), servers, true);
        const really = new Set<string>();
        for (let index = 1; index <= lastIndex; index++) {
          const v = await c.wait(index, servers, -1);
          if (v !== undefined) really.add(v);
        }
        for (const v of values) expect(really.has(v), `didn't find a value ${v}`).toBe(true);
        expect(values.length).toBeGreaterThan(0);
      } finally {
        stop = true;
        await c.cleanup();
      }
    });
  }
});
