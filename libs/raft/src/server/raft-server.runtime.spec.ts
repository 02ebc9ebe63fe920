import { afterEach, describe, expect, it } from 'vitest';
import type { AppendRequest, HeartbeatRequest } from '../core/messages.js';
import type { AppliedConfigChange } from '../interfaces/state-machine.js';
import { MemoryStorage } from '../memory/memory-storage.js';
import type { MembershipConfig } from '../core/types.js';
import {
  ConfigChangePendingError,
  LeadershipTransferInProgressError,
  ProposalCoveredBySnapshotError,
  OverloadedError,
  TransferTimeoutError,
} from './errors.js';
import { filtering, GatedStorage, recording } from './test-support/instrumented.js';
import { Harness, KvStore, enc, outcome, type Member } from './test-support/server-harness.js';

const IDS = ['n0', 'n1', 'n2'];

describe('RaftServer runtime: batching, pipelining, back-pressure, typed errors', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stopAll();
  });

  async function cluster(extra: Parameters<Harness['add']>[4] = {}): Promise<Harness> {
    h = new Harness();
    for (const id of IDS) await h.add(id, IDS, 0, new MemoryStorage(), extra);
    return h;
  }

  /** A cluster whose transports record what they send; returns the leader's log, cleared after a warm-up write. */
  async function recordedCluster(): Promise<{ leader: Member; log: ReturnType<typeof recording>['sent'] }> {
    h = new Harness();
    const sent = new Map<string, ReturnType<typeof recording>['sent']>();
    for (const id of IDS) {
      const r = recording(h.net.transport(id));
      sent.set(id, r.sent);
      await h.add(id, IDS, 0, new MemoryStorage(), { transport: r.transport });
    }
    const leader = await h.leader();
    await h.run(leader.server.propose(enc.encode('warm=1')));
    const log = sent.get(leader.server.id) ?? [];
    log.length = 0;
    return { leader, log };
  }

  it('sends proposals made in one turn of the event loop as one append per follower', async () => {
    const { leader, log } = await recordedCluster();
    const all = Promise.all(
      Array.from({ length: 50 }, (_, i) => leader.server.propose(enc.encode(`k${i}=v`))),
    );
    await h.run(all);
    const appends = log.filter((m): m is AppendRequest => m.type === 'append' && m.entries.length > 0);
    expect(appends).toHaveLength(2);
    for (const a of appends) expect(a.entries).toHaveLength(50);
  });

  it('confirms concurrent reads with one heartbeat round', async () => {
    const { leader, log } = await recordedCluster();
    const reads = await h.run(Promise.all(Array.from({ length: 20 }, () => leader.server.readIndex())));
    expect(new Set(reads).size).toBe(1);
    const rounds = log.filter((m): m is HeartbeatRequest => m.type === 'heartbeat' && m.context !== null);
    expect(new Set(rounds.map((m) => m.context)).size).toBe(1);
  });

  it('pipelines: followers receive the leader’s entries while its own write is still in flight', async () => {
    h = new Harness();
    const storages = new Map<string, GatedStorage>();
    for (const id of IDS) {
      const s = new GatedStorage();
      storages.set(id, s);
      await h.add(id, IDS, 0, s);
    }
    const leader = await h.leader();
    await h.run(leader.server.propose(enc.encode('warm=1')));
    const leaderStorage = storages.get(leader.server.id) as GatedStorage;
    leaderStorage.hold();
    const p = outcome(leader.server.propose(enc.encode('a=1')));
    await h.clock.advance(50);
    expect(leaderStorage.held).toBeGreaterThan(0);
    const followers = IDS.filter((id) => id !== leader.server.id);
    const lastLeader = leaderStorage.lastIndexSync();
    for (const id of followers)
      expect((storages.get(id) as GatedStorage).lastIndexSync()).toBe(lastLeader + 1);
    // Committed by the followers' acks; applied on the leader once its own write is done.
    expect(p.done()).toBe(false);
    leaderStorage.release();
    for (let t = 0; t < 500 && !p.done(); t += 10) await h.clock.advance(10);
    expect(p.value()).toBeUndefined();
  });

  it('keeps proposals made while the leader’s write is in flight (they are not overwritten)', async () => {
    h = new Harness();
    const storages = new Map<string, GatedStorage>();
    for (const id of IDS) {
      const s = new GatedStorage();
      storages.set(id, s);
      await h.add(id, IDS, 0, s);
    }
    const leader = await h.leader();
    await h.run(leader.server.propose(enc.encode('warm=1')));
    const leaderStorage = storages.get(leader.server.id) as GatedStorage;
    leaderStorage.hold();
    const first = Array.from({ length: 10 }, (_, i) => outcome(leader.server.propose(enc.encode(`a${i}=1`))));
    await h.clock.advance(5); // the first batch's write is now in flight
    const second = Array.from({ length: 10 }, (_, i) =>
      outcome(leader.server.propose(enc.encode(`b${i}=1`))),
    );
    await h.clock.advance(5);
    leaderStorage.release();
    const all = [...first, ...second];
    for (let t = 0; t < 2000 && !all.every((p) => p.done()); t += 10) await h.clock.advance(10);
    for (const p of all) expect(p.value()).toBeUndefined();
  });

  it('fails proposals fast with OverloadedError beyond maxUncommittedBytes, and recovers', async () => {
    await cluster({ raft: { maxUncommittedBytes: 1000 } });
    const leader = await h.leader();
    for (const id of IDS) if (id !== leader.server.id) h.net.disconnect(id);
    const big = new Uint8Array(400);
    const first = outcome(leader.server.propose(big, { timeoutMs: 0 }));
    const second = outcome(leader.server.propose(big, { timeoutMs: 0 }));
    await h.clock.advance(10);
    const third = leader.server.propose(big, { timeoutMs: 0 });
    await expect(third).rejects.toBeInstanceOf(OverloadedError);
    await expect(leader.server.propose(big)).rejects.toThrow(/overloaded/);
    expect(first.done() || second.done()).toBe(false);
    h.net.healAll();
    for (let t = 0; t < 2000 && !(first.done() && second.done()); t += 10) await h.clock.advance(10);
    expect(first.value()).toBeUndefined();
    await h.run(leader.server.propose(big));
  });

  it('keeps heartbeats going while apply and snapshot take twice the election timeout', async () => {
    h = new Harness();
    const electionMs = 10 * 100;
    const slow = (kv: KvStore): KvStore => {
      const apply = kv.apply.bind(kv);
      const snapshot = kv.snapshot.bind(kv);
      kv.apply = ((cmd: Uint8Array) =>
        new Promise((resolve) => h.clock.setTimeout(() => resolve(apply(cmd)), 2 * electionMs))) as never;
      kv.snapshot = (() =>
        new Promise((resolve) => h.clock.setTimeout(() => resolve(snapshot()), 2 * electionMs))) as never;
      return kv;
    };
    for (const id of IDS) await h.add(id, IDS, 2, new MemoryStorage(), { stateMachine: slow(new KvStore()) });
    const leader = await h.leader();
    const term = leader.server.status().term;
    const writes = Promise.all(
      [1, 2, 3].map((i) => leader.server.propose(enc.encode(`k${i}=${i}`), { timeoutMs: 60_000 })),
    );
    await h.run(writes, 30_000);
    await h.clock.advance(5 * electionMs);
    for (const m of h.members.values()) {
      expect(m.server.status().term).toBe(term);
      expect(m.server.status().leader).toBe(leader.server.id);
    }
    expect(leader.server.status().snapshotIndex).toBeGreaterThan(0);
  });

  it('signals leaderReady once per term, when the new leader’s no-op is applied', async () => {
    await cluster();
    const ready: { id: string; term: number }[] = [];
    for (const m of h.members.values())
      m.server.events.on('leaderReady', ({ term }) => ready.push({ id: m.server.id, term }));
    const leader = await h.leader();
    await h.clock.advance(200);
    expect(ready).toEqual([{ id: leader.server.id, term: leader.server.status().term }]);
    expect(leader.server.status().leaderReady).toBe(true);
    for (const m of h.members.values()) if (m !== leader) expect(m.server.isLeaderReady()).toBe(false);
  });

  it('rejects with ConfigChangePendingError, LeadershipTransferInProgressError and TransferTimeoutError', async () => {
    await cluster();
    const leader = await h.leader();
    await h.add('n3', undefined);
    await h.add('n4', undefined);
    const a = leader.server.addLearner('n3');
    const b = leader.server.addLearner('n4');
    await expect(h.run(b)).rejects.toBeInstanceOf(ConfigChangePendingError);
    await h.run(a);

    const target = IDS.find((id) => id !== leader.server.id) as string;
    h.net.disconnect(target);
    await h.run(leader.server.propose(enc.encode('x=1')));
    const transfer = outcome(leader.server.transferLeadership(target));
    await h.clock.advance(10);
    await expect(leader.server.propose(enc.encode('y=1'))).rejects.toBeInstanceOf(
      LeadershipTransferInProgressError,
    );
    for (let t = 0; t < 5000 && !transfer.done(); t += 50) await h.clock.advance(50);
    expect(transfer.value()).toBeInstanceOf(TransferTimeoutError);
    expect((transfer.value() as Error).message).toMatch(new RegExp(`transfer to ${target} did not complete`));
  });

  it('hands committed membership changes and their context to the state machine in log order', async () => {
    h = new Harness();
    const seen = new Map<string, string[]>();
    const recordingKv = (id: string): KvStore => {
      const kv = new KvStore();
      const events: string[] = [];
      seen.set(id, events);
      const apply = kv.apply.bind(kv);
      kv.apply = (cmd: Uint8Array) => {
        events.push(`cmd ${new TextDecoder().decode(cmd)}`);
        return apply(cmd);
      };
      (kv as KvStore & { applyConfigChange: unknown }).applyConfigChange = (
        change: AppliedConfigChange,
        _index: number,
        membership: MembershipConfig,
      ) => {
        const ctx = 'context' in change && change.context ? new TextDecoder().decode(change.context) : '';
        events.push(
          `${change.type} ${'id' in change ? change.id : ''} ${ctx} voters=${membership.voters.join(',')} learners=${membership.learners.join(',')}`,
        );
      };
      return kv;
    };
    for (const id of IDS) await h.add(id, IDS, 0, new MemoryStorage(), { stateMachine: recordingKv(id) });
    const leader = await h.leader();
    await h.run(leader.server.propose(enc.encode('a=1')));
    await h.add('n3', undefined, 0, new MemoryStorage(), { stateMachine: recordingKv('n3') });
    await h.run(leader.server.addLearner('n3', enc.encode('{"peerURL":"http://127.0.0.1:2380"}')));
    await h.run(leader.server.propose(enc.encode('b=2')));
    await h.clock.advance(500);
    const expected = [
      'bootstrap   voters=n0,n1,n2 learners=',
      'cmd a=1',
      'add-learner n3 {"peerURL":"http://127.0.0.1:2380"} voters=n0,n1,n2 learners=n3',
      'cmd b=2',
    ];
    for (const id of [...IDS, 'n3']) expect(seen.get(id)).toEqual(expected);
  });
});

describe('RaftServer runtime: snapshots racing each other', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stopAll();
  });

  it('keeps running when the leader’s snapshot is installed while a local snapshot() is awaited', async () => {
    h = new Harness();
    let releaseSnapshot: (() => void) | null = null;
    let snapshotsStarted = 0;
    const gatedKv = (): KvStore => {
      const kv = new KvStore();
      const snapshot = kv.snapshot.bind(kv);
      kv.snapshot = (() => {
        snapshotsStarted++;
        if (snapshotsStarted > 1) return snapshot();
        return new Promise<Uint8Array>((resolve) => (releaseSnapshot = () => resolve(snapshot())));
      }) as never;
      return kv;
    };
    for (const id of IDS) {
      await h.add(id, IDS, 4, new MemoryStorage(), id === 'n2' ? { stateMachine: gatedKv() } : {});
    }
    const first = await h.leader();
    // The gated member must be the follower that lags.
    if (first.server.id === 'n2') await h.run(first.server.transferLeadership('n0'));
    const current = await h.leader();
    const follower = h.members.get('n2') as Member;
    expect(follower).not.toBe(current);
    for (let i = 0; i < 5; i++) await h.run(current.server.propose(enc.encode(`a${i}=${i}`)));
    await h.clock.advance(200);
    expect(snapshotsStarted).toBe(1); // n2's apply loop now waits in snapshot()
    h.net.disconnect('n2');
    for (let i = 0; i < 20; i++) await h.run(current.server.propose(enc.encode(`b${i}=${i}`)));
    h.net.connect('n2');
    await h.clock.advance(1000);
    expect(follower.server.status().snapshotIndex).toBeGreaterThan(5);
    (releaseSnapshot as (() => void) | null)?.();
    await h.clock.advance(1000);
    expect(follower.server.status().stopped).toBe(false);
    expect(follower.kv.data.get('b19')).toBe('19');
    await h.run(current.server.propose(enc.encode('c=1')));
    await h.clock.advance(300);
    expect(follower.kv.data.get('c')).toBe('1');
  });

  it('rejects a proposal whose entry a snapshot from the leader replaced with ProposalCoveredBySnapshotError', async () => {
    h = new Harness();
    const links = new Map<string, ReturnType<typeof filtering>>();
    for (const id of IDS) {
      const f = filtering(h.net.transport(id));
      links.set(id, f);
      await h.add(id, IDS, 4, new MemoryStorage(), { transport: f.transport });
    }
    const leader = await h.leader();
    const follower = [...h.members.values()].find((m) => m !== leader) as Member;
    const link = links.get(follower.server.id) as ReturnType<typeof filtering>;
    await h.run(follower.server.propose(enc.encode('warm=1')));
    // The follower hears the leader's answer to its proposal but none of its appends or commits.
    link.drop.when = (m) => m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot';
    const lost = outcome(follower.server.propose(enc.encode('f=1'), { timeoutMs: 60_000 }));
    await h.clock.advance(50);
    for (let i = 0; i < 12; i++) await h.run(leader.server.propose(enc.encode(`k${i}=${i}`)));
    expect(leader.server.status().snapshotIndex).toBeGreaterThan(follower.server.status().lastIndex);
    link.drop.when = null;
    for (let t = 0; t < 3000 && !lost.done(); t += 10) await h.clock.advance(10);
    expect(lost.value()).toBeInstanceOf(ProposalCoveredBySnapshotError);
    expect(follower.kv.data.get('f')).toBe('1'); // it did commit; the follower just cannot tell
  });
});

export type { Member };

describe('RaftServer runtime: a single-member cluster', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stopAll();
  });

  it('serves linearizable reads (the read index is confirmed before the request returns)', async () => {
    h = new Harness();
    const solo = await h.add('n0', ['n0']);
    await h.leader();
    await h.run(solo.server.propose(enc.encode('a=1')));
    await h.run(solo.server.linearizableRead(), 1000);
    expect(solo.kv.data.get('a')).toBe('1');
  });
});
