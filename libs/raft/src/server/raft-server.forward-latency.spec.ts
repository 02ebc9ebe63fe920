import { afterEach, describe, expect, it } from 'vitest';
import { Harness, enc, type Member } from './test-support/server-harness.js';

/** Lets deliveries, saves and applies run without moving the clock: no heartbeat or tick can help. */
async function settleWithoutTime(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 200 && !done; i++) await new Promise((r) => setImmediate(r));
  return done;
}

describe('RaftServer: a write answers without waiting for a tick, whichever member it goes through', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stopAll();
  });

  it('every sequence of writes through leader and followers completes with the clock stopped', async () => {
    h = new Harness();
    const ids = ['n0', 'n1', 'n2'];
    for (const id of ids) await h.add(id, ids, 0);
    const leader = await h.leader();
    const [f1, f2] = [...h.members.values()].filter((m) => m !== leader) as [Member, Member];
    const via = { L: leader, A: f1, B: f2 };
    await h.run(leader.server.propose(enc.encode('warm=1')));
    await h.clock.advance(500);
    const stuck: string[] = [];
    const order = 'LAALBBAABLLBABAAALBB'.split('') as (keyof typeof via)[];
    let prev = '-';
    for (const [i, k] of order.entries()) {
      const p = via[k].server.propose(enc.encode(`k${i}=${i}`));
      if (!(await settleWithoutTime(p))) {
        stuck.push(`${prev}->${k} (#${i})`);
        await h.run(p);
      }
      prev = k;
    }
    expect(stuck).toEqual([]);
  });
});
