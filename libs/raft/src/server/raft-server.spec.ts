import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../memory/memory-storage.js';
import {
  ApplyTimeoutError,
  LearnerNotCaughtUpError,
  NotLeaderError,
  ProposalAbortedError,
  ProposalDroppedError,
  ProposalTimeoutError,
} from './errors.js';
import { Harness, enc, outcome, type Member } from './test-support/server-harness.js';

describe('RaftServer (in-memory network, manual clock)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stopAll();
  });

  async function cluster(n: number, snapshotThreshold = 0): Promise<Harness> {
    h = new Harness();
    const ids = Array.from({ length: n }, (_, i) => `n${i}`);
    for (const id of ids) await h.add(id, ids, snapshotThreshold);
    return h;
  }

  it('elects a leader, emits leader changes and replicates proposals', async () => {
    await cluster(3);
    const seen: (string | null)[] = [];
    h.members.get('n0')?.server.events.on('leaderChange', ({ leader }) => seen.push(leader));
    const leader = await h.leader();
    expect(await h.run(leader.server.propose(enc.encode('a=1')))).toBeUndefined();
    expect(await h.run(leader.server.propose(enc.encode('a=2')))).toBe('1');
    await h.clock.advance(300);
    for (const m of h.members.values()) expect(m.kv.data.get('a')).toBe('2');
    expect(seen).toContain(leader.server.id);
    const st = leader.server.status();
    expect(st.role).toBe('leader');
    expect(st.peers.every((p) => p.match === st.lastIndex)).toBe(true);
  });

  it('forwards proposals and reads made on a follower to the leader and answers them there', async () => {
    await cluster(3);
    const leader = await h.leader();
    const follower = [...h.members.values()].find((m) => m !== leader) as Member;
    expect(await h.run(follower.server.propose(enc.encode('x=1')))).toBeUndefined();
    // Resolved on the follower means applied on the follower.
    expect(follower.kv.data.get('x')).toBe('1');
    expect(await h.run(follower.server.propose(enc.encode('x=2')))).toBe('1');
    await h.run(leader.server.propose(enc.encode('y=1')));
    await h.run(follower.server.linearizableRead());
    expect(follower.kv.data.get('y')).toBe('1');
  });

  it('without forwarding, rejects proposals and reads on followers with the leader and its address', async () => {
    h = new Harness();
    const ids = ['n0', 'n1', 'n2'];
    for (const id of ids) await h.add(id, ids, 0, new MemoryStorage(), { forwarding: false });
    const leader = await h.leader();
    const follower = [...h.members.values()].find((m) => m !== leader) as Member;
    const expected = { leader: leader.server.id, leaderAddress: `${leader.server.id}.example:2380` };
    await expect(follower.server.propose(enc.encode('x=1'))).rejects.toBeInstanceOf(NotLeaderError);
    await expect(follower.server.propose(enc.encode('x=1'))).rejects.toMatchObject(expected);
    await expect(follower.server.readIndex()).rejects.toMatchObject(expected);
  });

  it('serves linearizable reads after a quorum round and fails them without a quorum', async () => {
    await cluster(3);
    const leader = await h.leader();
    await h.run(leader.server.propose(enc.encode('k=v')));
    await h.run(leader.server.linearizableRead());
    expect(leader.kv.data.get('k')).toBe('v');
    for (const m of h.members.values()) if (m !== leader) h.net.disconnect(m.server.id);
    const read = leader.server.readIndex();
    // Leader steps down (CheckQuorum) and the pending read is dropped.
    await expect(h.run(read)).rejects.toBeInstanceOf(NotLeaderError);
  });

  it('adds a learner, promotes it, removes a voter', async () => {
    await cluster(3);
    const leader = await h.leader();
    await h.run(leader.server.propose(enc.encode('a=1')));
    const n3 = await h.add('n3', undefined);
    await h.run(leader.server.addLearner('n3'));
    await h.clock.advance(500);
    expect(n3.kv.data.get('a')).toBe('1');
    expect(leader.server.status().membership.learners).toEqual(['n3']);
    await h.run(leader.server.promote('n3'));
    expect(leader.server.status().membership.voters).toEqual(['n0', 'n1', 'n2', 'n3']);
    const victim = [...h.members.values()].find((m) => m !== leader && m !== n3) as Member;
    await h.run(leader.server.removeServer(victim.server.id));
    await victim.server.stop();
    h.members.delete(victim.server.id);
    expect(await h.run(leader.server.propose(enc.encode('a=2')))).toBe('1');
    await h.clock.advance(300);
    expect(n3.kv.data.get('a')).toBe('2');
  });

  it('promotes a learner only once it has caught up', async () => {
    await cluster(3);
    const leader = await h.leader();
    await h.add('n3', undefined);
    await h.run(leader.server.addLearner('n3'));
    h.net.disconnect('n3');
    for (let i = 0; i < 5; i++) await h.run(leader.server.propose(enc.encode(`k${i}=v`)));
    const refused = h.run(leader.server.promote('n3', { timeoutMs: 1000 }));
    await expect(refused).rejects.toBeInstanceOf(LearnerNotCaughtUpError);
    await expect(refused).rejects.toThrow(/learner n3 did not catch up within 1000 ms/);
    expect(leader.server.status().membership.learners).toEqual(['n3']);

    h.net.connect('n3');
    await h.run(leader.server.promote('n3'));
    expect(leader.server.status().membership.voters).toContain('n3');
    await expect(h.run(leader.server.promote('n0'))).rejects.toThrow(
      /invalid membership change: n0 is not a learner of this cluster/,
    );
  });

  it('transfers leadership', async () => {
    await cluster(3);
    const leader = await h.leader();
    await h.run(leader.server.propose(enc.encode('a=1')));
    const target = [...h.members.values()].find((m) => m !== leader) as Member;
    await h.run(leader.server.transferLeadership(target.server.id));
    await h.clock.advance(100);
    expect(target.server.isLeader()).toBe(true);
    expect(leader.server.isLeader()).toBe(false);
    expect(await h.run(target.server.propose(enc.encode('a=2')))).toBe('1');
  });

  it('snapshots, compacts and catches a lagging follower up with chunked InstallSnapshot', async () => {
    await cluster(3, 5);
    const leader = await h.leader();
    const lagging = [...h.members.values()].find((m) => m !== leader) as Member;
    h.net.disconnect(lagging.server.id);
    for (let i = 0; i < 30; i++) await h.run(leader.server.propose(enc.encode(`k${i}=${i}`)));
    expect(leader.server.status().snapshotIndex).toBeGreaterThan(20);
    expect(await leader.storage.firstIndex()).toBeGreaterThan(20);
    h.net.connect(lagging.server.id);
    await h.clock.advance(2000);
    expect(lagging.kv.data.size).toBe(30);
    expect(lagging.server.status().snapshotIndex).toBeGreaterThan(20);
  });

  it('recovers state from storage after a restart', async () => {
    await cluster(3, 4);
    const leader = await h.leader();
    for (let i = 0; i < 10; i++) await h.run(leader.server.propose(enc.encode(`k${i}=${i}`)));
    await h.clock.advance(300);
    const victim = [...h.members.values()].find((m) => m !== leader) as Member;
    const id = victim.server.id;
    await victim.server.stop();
    const ids = ['n0', 'n1', 'n2'];
    const reborn = await h.add(id, ids, 4, victim.storage);
    await h.run(leader.server.propose(enc.encode('after=1')));
    await h.clock.advance(500);
    expect(reborn.kv.data.size).toBe(11);
    expect(reborn.server.status().term).toBe(leader.server.status().term);
  });

  /** Settles `p` into a value or an error without unhandled rejections, so time can be advanced by hand. */

  it('rejects a proposal overwritten by a new leader with ProposalDroppedError, before its deadline', async () => {
    await cluster(3);
    const old = await h.leader();
    await h.run(old.server.propose(enc.encode('a=1')));
    h.net.disconnect(old.server.id);
    const index = old.server.status().lastIndex + 1;
    const lost = outcome(old.server.propose(enc.encode('a=lost'), { timeoutMs: 60_000 }));
    let fresh: Member | undefined;
    for (let t = 0; t < 5000 && !fresh; t += 100) {
      await h.clock.advance(100);
      fresh = [...h.members.values()].find((m) => m !== old && m.server.isLeader());
    }
    if (!fresh) throw new Error('no new leader');
    expect(await h.run(fresh.server.propose(enc.encode('a=2')))).toBe('1');
    expect(lost.done()).toBe(false);
    h.net.connect(old.server.id);
    for (let t = 0; t < 2000 && !lost.done(); t += 10) await h.clock.advance(10);
    const err = lost.value();
    expect(err).toBeInstanceOf(ProposalDroppedError);
    expect(err).toMatchObject({ index });
    expect(old.kv.data.get('a')).toBe('2');
  });

  it('times out a proposal that cannot commit, naming index and term', async () => {
    await cluster(3);
    const leader = await h.leader();
    for (const m of h.members.values()) if (m !== leader) h.net.disconnect(m.server.id);
    const { lastIndex, term } = leader.server.status();
    const p = outcome(leader.server.propose(enc.encode('x=1'), { timeoutMs: 3000 }));
    await h.clock.advance(2990);
    expect(p.done()).toBe(false);
    await h.clock.advance(20);
    const err = p.value();
    expect(err).toBeInstanceOf(ProposalTimeoutError);
    expect(err).toMatchObject({ index: lastIndex + 1, term, leaderLost: true }); // CheckQuorum stepped down
    expect((err as Error).message).toContain(`index ${lastIndex + 1} (term ${term})`);
  });

  it('applies the server-wide default deadline to membership changes', async () => {
    h = new Harness();
    const ids = ['n0', 'n1', 'n2'];
    for (const id of ids) await h.add(id, ids);
    const leader = await h.leader();
    for (const m of h.members.values()) if (m !== leader) h.net.disconnect(m.server.id);
    // Default: 10 election timeouts = 10 s.
    const p = outcome(leader.server.addLearner('n9'));
    await h.clock.advance(9_900);
    expect(p.done()).toBe(false);
    await h.clock.advance(200);
    expect(p.value()).toBeInstanceOf(ProposalTimeoutError);
  });

  it('rejects an aborted proposal with ProposalAbortedError', async () => {
    await cluster(3);
    const leader = await h.leader();
    for (const m of h.members.values()) if (m !== leader) h.net.disconnect(m.server.id);
    const ac = new AbortController();
    const p = outcome(leader.server.propose(enc.encode('x=1'), { signal: ac.signal }));
    await h.clock.advance(100);
    ac.abort(new Error('client went away'));
    await h.clock.advance(1);
    expect(p.value()).toBeInstanceOf(ProposalAbortedError);
    expect((p.value() as Error).cause).toMatchObject({ message: 'client went away' });
    await expect(leader.server.propose(enc.encode('y=1'), { signal: ac.signal })).rejects.toMatchObject({
      name: 'ProposalAbortedError',
      index: null,
    });
  });

  it('serves a linearizable read on a follower via the leader read index and waitApplied', async () => {
    await cluster(3);
    const leader = await h.leader();
    const follower = [...h.members.values()].find((m) => m !== leader) as Member;
    // The follower is cut off before it learns of the write; its read must wait for it.
    h.net.disconnect(follower.server.id);
    await h.run(leader.server.propose(enc.encode('k=v')));
    const forwarded = outcome(follower.server.linearizableRead());
    await h.clock.advance(500);
    expect(forwarded.done()).toBe(false);
    const index = await h.run(leader.server.readIndex());
    const read = outcome(follower.server.waitApplied(index));
    await h.clock.advance(500);
    expect(read.done()).toBe(false);
    expect(follower.kv.data.get('k')).toBeUndefined();
    h.net.connect(follower.server.id);
    for (let t = 0; t < 2000 && !read.done(); t += 10) await h.clock.advance(10);
    expect(read.value()).toBeUndefined();
    expect(follower.kv.data.get('k')).toBe('v');
    for (let t = 0; t < 2000 && !forwarded.done(); t += 10) await h.clock.advance(10);
    expect(forwarded.value()).toBeUndefined();
    await expect(h.run(follower.server.waitApplied(index + 100, { timeoutMs: 300 }))).rejects.toBeInstanceOf(
      ApplyTimeoutError,
    );
  });
});
