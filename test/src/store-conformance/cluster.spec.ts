import { status } from '@grpc/grpc-js';
import { waitFor } from '@flotilla/testing';
import { BACKENDS } from './support/backends.js';
import { ctlError, etcdctl, etcdctlJson } from './support/etcdctl.js';
import { failure, type RawClient, type Stream } from './support/raw-client.js';
import {
  bytes,
  detailsOf,
  expectFullHeader,
  expectHeader,
  pairs,
  retrying,
  useCluster,
} from './support/suite.js';
import type {
  AlarmResponse,
  HeaderOnly,
  LeaseGrantResponse,
  LeaseTimeToLiveResponse,
  MemberAddResponse,
  MemberListResponse,
  PutResponse,
  RangeResponse,
  StatusResponse,
  WatchResponse,
  WireMember,
} from './support/wire.js';

/** A member id as etcdctl prints it. */
const hex = (id: string): string => BigInt(id).toString(16);

// Cluster and Maintenance on a three-member cluster of each backend; membership changes come last.
describe.each(BACKENDS)('Cluster and Maintenance on %s', (backend) => {
  const s = useCluster({ backend, size: 3 });
  const streams: Stream<unknown>[] = [];
  afterEach(() => {
    for (const x of streams.splice(0)) x.close();
  });

  /** The member list once every member has published its name and client URL. */
  const settledMembers = async (): Promise<WireMember[]> =>
    waitFor(
      async () => {
        const list = await s.raw.cluster<MemberListResponse>('memberList', {});
        return list.members.every((m) => m.name !== '' && m.clientURLs.length > 0) && list.members;
      },
      { timeoutMs: 15_000, what: 'every member to publish its name and client URLs' },
    );
  const endpointOf = (m: WireMember): string => new URL(m.clientURLs[0]!).host;
  const clientOf = async (id: string): Promise<RawClient> => {
    const m = (await settledMembers()).find((x) => x.ID === id);
    if (!m) throw new Error(`member ${id} is not in the list`);
    return s.rawAt(endpointOf(m));
  };
  /**
   * etcd refuses membership changes until every voter has been connected for 5 s (its strict
   * reconfiguration check), answering UNAVAILABLE "unhealthy cluster"; a client tries again.
   */
  const reconfigure = <T>(change: () => Promise<T>, what: string): Promise<T> =>
    retrying(change, (e) => detailsOf(e) === 'etcdserver: unhealthy cluster', what);
  const status_ = (raw: RawClient) => raw.maintenance<StatusResponse>('status', {});
  /** Waits until every started member reports the same leader, and returns it. */
  const agreedLeader = async (): Promise<string> =>
    waitFor(
      async () => {
        const leaders = await Promise.all(s.endpoints.map(async (e) => (await status_(s.rawAt(e))).leader));
        return leaders.every((l) => l !== '0' && l === leaders[0]) && leaders[0];
      },
      { timeoutMs: 15_000, what: 'the members to agree on a leader' },
    );

  it('MemberList: every member with its name, peer and client URLs; headers name the answering member', async () => {
    const members = await settledMembers();
    expect(members.map((m) => [m.name, m.peerURLs, m.clientURLs, m.isLearner]).sort()).toEqual(
      s.cluster.members.map((m) => [m.name, [m.peerUrl], [m.clientUrl], false]).sort(),
    );
    const clusterIds = new Set<string>();
    for (const m of members) {
      const list = await s.rawAt(endpointOf(m)).cluster<MemberListResponse>('memberList', {});
      expectHeader(backend, 'no-revision', list.header, { memberId: m.ID });
      clusterIds.add(list.header.cluster_id);
      expect(list.members.map((x) => x.ID).sort()).toEqual(members.map((x) => x.ID).sort());
    }
    expect(clusterIds.size).toBe(1);
    // etcdctl's table of members (simple format: id, status, name, peer URLs, client URLs, learner).
    const ctl = await etcdctl(s.endpoints, ['member', 'list']);
    const rows = ctl.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(', '));
    expect(rows.map((r) => [r[0], r[1], r[2], r[5]]).sort()).toEqual(
      members.map((m) => [hex(m.ID), 'started', m.name, 'false']).sort(),
    );
  });

  it('Status: one leader, raft term and index, db size and version, on every member', async () => {
    const members = await settledMembers();
    const leader = await agreedLeader();
    expect(members.map((m) => m.ID)).toContain(leader);
    for (const m of members) {
      const st = await status_(s.rawAt(endpointOf(m)));
      expectFullHeader(st.header, { memberId: m.ID });
      expect(st.leader).toBe(leader);
      expect(BigInt(st.raftTerm)).toBeGreaterThan(0n);
      expect(BigInt(st.raftIndex)).toBeGreaterThan(0n);
      expect(BigInt(st.dbSize)).toBeGreaterThan(0n);
      expect(st.version).toMatch(/^3\.\d+\.\d+$/);
      expect(st.isLearner).toBe(false);
      expect(st.errors).toEqual([]);
    }
    // The leader's raft index moves with a write.
    const onLeader = await clientOf(leader);
    const before = BigInt((await status_(onLeader)).raftIndex);
    await onLeader.kv('put', { key: bytes('status/k'), value: bytes('v') });
    expect(BigInt((await status_(onLeader)).raftIndex)).toBeGreaterThan(before);
    // etcdctl endpoint status: every endpoint, the same leader.
    const ctl = await etcdctlJson<{ Endpoint: string; Status: { leader: number; version: string } }[]>(
      s.endpoints,
      ['endpoint', 'status'],
    );
    expect(ctl.map((e) => e.Endpoint).sort()).toEqual([...s.endpoints].sort());
    expect(new Set(ctl.map((e) => e.Status.leader)).size).toBe(1);
    // etcdctl endpoint health (a linearizable Get of "health" on each endpoint).
    const health = await etcdctl(s.endpoints, ['endpoint', 'health']);
    expect(health.code, health.stderr).toBe(0);
    const healthy = (health.stdout + health.stderr).split('\n').filter((l) => l.includes(' is healthy'));
    expect(healthy.map((l) => l.split(' ')[0]).sort()).toEqual([...s.endpoints].sort());
  });

  it('Alarm answers an empty list', async () => {
    const r = await s.raw.maintenance<AlarmResponse>('alarm', { action: 'Get', memberID: 0, alarm: 'NONE' });
    expect(r.alarms).toEqual([]);
    expectHeader(backend, 'no-header', r.header);
    const ctl = await etcdctl(s.endpoints, ['alarm', 'list']);
    expect([ctl.code, ctl.stdout.trim()]).toEqual([0, '']);
  });

  it('any member serves: a write through one is read (linearizable) and watched on the others', async () => {
    const members = await settledMembers();
    const [a, b, c] = members.map((m) => s.rawAt(endpointOf(m)));
    const w = c!.watch();
    streams.push(w as Stream<unknown>);
    w.send({ create_request: { key: bytes('any/k') } });
    await w.next((r: WatchResponse) => r.created);
    const p = await a!.kv<PutResponse>('put', { key: bytes('any/k'), value: bytes('v') });
    const read = await b!.kv<RangeResponse>('range', { key: bytes('any/k') });
    expect(pairs(read)).toEqual([['any/k', 'v']]);
    expect(read.header.revision).toBe(p.header.revision);
    const ev = await w.next((r: WatchResponse) => r.events.length > 0);
    expect(ev.events.map((e) => [e.type, e.kv.key.toString(), e.kv.mod_revision])).toEqual([
      ['Put', 'any/k', p.header.revision],
    ]);
  });

  it('leases through a follower: grant, keep-alive and time-to-live answer as on the leader', async () => {
    const leader = await agreedLeader();
    const follower = (await settledMembers()).find((m) => m.ID !== leader)!;
    const f = s.rawAt(endpointOf(follower));
    const g = await f.lease<LeaseGrantResponse>('leaseGrant', { TTL: 30 });
    expectFullHeader(g.header, { memberId: follower.ID });
    await f.kv('put', { key: bytes('flease/k'), value: bytes('v'), lease: g.ID });
    const k = f.leaseKeepAlive();
    streams.push(k as Stream<unknown>);
    k.send({ ID: g.ID });
    const alive = await k.next();
    expect([alive.ID, alive.TTL]).toEqual([g.ID, '30']);
    // The follower answers (in its own name) what the leader decided.
    expectFullHeader(alive.header, { memberId: follower.ID });
    const t = await f.lease<LeaseTimeToLiveResponse>('leaseTimeToLive', { ID: g.ID, keys: true });
    expectFullHeader(t.header, { memberId: follower.ID });
    expect([t.grantedTTL, t.keys.map(String)]).toEqual(['30', ['flease/k']]);
    expect(Number(t.TTL)).toBeGreaterThan(25);
    await f.lease('leaseRevoke', { ID: g.ID });
    expect((await f.kv<RangeResponse>('range', { key: bytes('flease/k') })).kvs).toEqual([]);
  });

  it('MoveLeader: the leader hands over to a follower; a follower answers "not leader"', async () => {
    const leader = await agreedLeader();
    const members = await settledMembers();
    const [target, other] = members.filter((m) => m.ID !== leader);
    const onLeader = await clientOf(leader);
    // Asked of a follower: etcd answers FAILED_PRECONDITION "etcdserver: not leader".
    expect(
      await failure(s.rawAt(endpointOf(other!)).maintenance('moveLeader', { targetID: target!.ID })),
    ).toEqual({
      code: status.FAILED_PRECONDITION,
      details: 'etcdserver: not leader',
    });
    const moved = await onLeader.maintenance<HeaderOnly>('moveLeader', { targetID: target!.ID });
    expectHeader(backend, 'no-header', moved.header);
    expect(await agreedLeader()).toBe(target!.ID);
    // And back, through etcdctl (it finds the leader among the endpoints).
    const ctl = await etcdctl(s.endpoints, ['move-leader', hex(leader)]);
    expect(ctl.stdout.trim(), ctl.stderr).toBe(
      `Leadership transferred from ${hex(target!.ID)} to ${hex(leader)}`,
    );
    expect(await agreedLeader()).toBe(leader);
  });

  it('MemberAdd of a voter, MemberRemove; the errors for a taken peer URL, an unknown member, promoting a voter', async () => {
    const before = await settledMembers();
    const ids = before.map((m) => m.ID).sort();
    expect(
      await failure(
        reconfigure(
          () => s.raw.cluster('memberAdd', { peerURLs: before[0]!.peerURLs, isLearner: false }),
          'MemberAdd with a peer URL in use',
        ),
      ),
    ).toEqual({ code: status.FAILED_PRECONDITION, details: 'etcdserver: Peer URLs already exists' });
    expect(await failure(s.raw.cluster('memberPromote', { ID: before[0]!.ID }))).toEqual({
      code: status.FAILED_PRECONDITION,
      details: 'etcdserver: can only promote a learner member',
    });
    expect(await failure(s.raw.cluster('memberRemove', { ID: '12345' }))).toEqual({
      code: status.NOT_FOUND,
      details: 'etcdserver: member not found',
    });
    // A voter that never starts: added, listed without a name or client URLs, removed again.
    const spare = await s.cluster.prepareMember('spare');
    const added = await reconfigure(
      () => s.raw.cluster<MemberAddResponse>('memberAdd', { peerURLs: [spare.peerUrl], isLearner: false }),
      'MemberAdd of a voter',
    );
    try {
      expectHeader(backend, 'no-revision', added.header);
      expect(added.member).toMatchObject({
        peerURLs: [spare.peerUrl],
        isLearner: false,
        name: '',
        clientURLs: [],
      });
      expect(added.members.map((m) => m.ID).sort()).toEqual([...ids, added.member.ID].sort());
      const listed = await s.raw.cluster<MemberListResponse>('memberList', {});
      expect(listed.members.find((m) => m.ID === added.member.ID)).toMatchObject({
        name: '',
        clientURLs: [],
      });
    } finally {
      const removed = await reconfigure(
        () => s.raw.cluster<MemberListResponse>('memberRemove', { ID: added.member.ID }),
        'MemberRemove of the voter',
      );
      expectHeader(backend, 'no-revision', removed.header);
      expect(removed.members.map((m) => m.ID).sort()).toEqual(ids);
    }
    expect(await failure(s.raw.cluster('memberRemove', { ID: added.member.ID }))).toEqual({
      code: status.NOT_FOUND,
      details: 'etcdserver: member not found',
    });
  }, 60_000);

  it('a learner: MemberAdd as learner, started with --initial-cluster-state existing, promoted once in sync, removed', async () => {
    const before = await settledMembers();
    await s.raw.kv('put', { key: bytes('learner/k'), value: bytes('v') });
    const joiner = await s.cluster.prepareMember('learner');
    const added = await reconfigure(
      () => s.raw.cluster<MemberAddResponse>('memberAdd', { peerURLs: [joiner.peerUrl], isLearner: true }),
      'MemberAdd of a learner',
    );
    expect(added.member).toMatchObject({ peerURLs: [joiner.peerUrl], isLearner: true });
    const id = added.member.ID;
    try {
      // Not started, so not in sync: it cannot be promoted yet.
      expect(await failure(s.raw.cluster('memberPromote', { ID: id }))).toEqual({
        code: status.FAILED_PRECONDITION,
        details: 'etcdserver: can only promote a learner member which is in sync with leader',
      });
      const initialCluster = [
        ...before.map((m) => `${m.name}=${m.peerURLs[0]}`),
        `learner=${joiner.peerUrl}`,
      ].join(',');
      await s.cluster.startMember(joiner, initialCluster);
      // It publishes its name and client URL, and says it is a learner.
      await waitFor(
        async () => {
          const list = await s.raw.cluster<MemberListResponse>('memberList', {});
          const me = list.members.find((m) => m.ID === id);
          return me?.name === 'learner' && me.clientURLs[0] === joiner.clientUrl && me.isLearner;
        },
        { timeoutMs: 20_000, what: 'the learner to publish its name and client URL' },
      );
      const onLearner = s.rawAt(joiner.endpoint);
      const st = await status_(onLearner);
      expect(st.isLearner).toBe(true);
      expectFullHeader(st.header, { memberId: id });
      // A learner refuses linearizable requests (etcd: UNAVAILABLE "rpc not supported for learner").
      expect(await failure(onLearner.kv('range', { key: bytes('learner/k') }))).toEqual({
        code: status.UNAVAILABLE,
        details: 'etcdserver: rpc not supported for learner',
      });
      // Promoted once it has caught up.
      const promoted = await retrying(
        () => s.raw.cluster<MemberListResponse>('memberPromote', { ID: id }),
        (e) =>
          detailsOf(e).includes('in sync with leader') || detailsOf(e) === 'etcdserver: unhealthy cluster',
        'MemberPromote of the learner',
      );
      // In the name of the member asked (which passes it to the leader if it does not lead).
      const asked = before.find((m) => m.clientURLs[0] === s.cluster.members[0]!.clientUrl)!;
      expectHeader(backend, 'no-revision', promoted.header, { memberId: asked.ID });
      expect(promoted.members.find((m) => m.ID === id)?.isLearner).toBe(false);
      // As a voter it serves linearizable reads.
      await waitFor(
        async () => {
          const r = await onLearner.kv<RangeResponse>('range', { key: bytes('learner/k') });
          return pairs(r).length === 1;
        },
        { timeoutMs: 10_000, what: 'the promoted member to serve a linearizable read' },
      );
      const removed = await reconfigure(
        () => s.raw.cluster<MemberListResponse>('memberRemove', { ID: id }),
        'MemberRemove of the promoted learner',
      );
      expect(removed.members.map((m) => m.ID).sort()).toEqual(before.map((m) => m.ID).sort());
    } finally {
      // Whatever happened, the next cases get the three-member cluster back.
      await s.cluster.kill('learner');
      await reconfigure(
        () => s.raw.cluster('memberRemove', { ID: id }),
        'MemberRemove of the learner (cleanup)',
      ).catch((e: unknown) => {
        if (detailsOf(e) !== 'etcdserver: member not found') throw e;
      });
    }
  }, 90_000);

  it('through etcdctl: member add --learner, member promote (not in sync), member remove', async () => {
    const spare = await s.cluster.prepareMember('ctl-learner');
    const add = await retrying(
      async () => {
        const r = await etcdctl(s.endpoints, [
          'member',
          'add',
          'ctl-learner',
          `--peer-urls=${spare.peerUrl}`,
          '--learner',
        ]);
        if (r.stderr.includes('etcdserver: unhealthy cluster')) throw new Error(r.stderr);
        return r;
      },
      (e) => (e as Error).message.includes('etcdserver: unhealthy cluster'),
      'etcdctl member add --learner',
    );
    expect(add.code, add.stderr).toBe(0);
    const id = /Member\s+([0-9a-f]+) added to cluster\s+[0-9a-f]+/.exec(add.stdout)?.[1];
    expect(id, add.stdout).toBeDefined();
    const promote = await etcdctl(s.endpoints, ['member', 'promote', id!]);
    expect(promote.code).not.toBe(0);
    expect(ctlError(promote)).toBe(
      'Error: etcdserver: can only promote a learner member which is in sync with leader',
    );
    const remove = await etcdctl(s.endpoints, ['member', 'remove', id!]);
    expect(remove.stdout).toMatch(new RegExp(`^Member\\s+${id} removed from cluster\\s+[0-9a-f]+`));
  });
});
