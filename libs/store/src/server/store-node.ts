import {
  RaftServer,
  SystemClock,
  type Clock,
  type MembershipConfig,
  type ProposeOptions,
  type Storage,
  type Transport,
} from '@flotilla/raft';
import { AutoCompactor, type AutoCompaction } from '../compaction/auto-compactor.js';
import { LeaseKeeper } from '../lease/lease-keeper.js';
import type { ResponseHeader } from '../mvcc/types.js';
import { nodeIdOf, type Member } from '../state-machine/member-table.js';
import { encodeStoreCommand, type StoreCommand } from '../state-machine/store-command.js';
import { StoreStateMachine, type ApplyOutcome } from '../state-machine/store-state-machine.js';
import { WatchHub } from '../watch/watch-hub.js';
import { toEtcdError } from './raft-errors.js';

export interface StoreIdentity {
  readonly clusterId: number;
  readonly memberId: number;
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
}

export interface StoreNodeOptions {
  readonly identity: StoreIdentity;
  readonly storage: Storage;
  readonly transport: Transport;
  /** Raft voters of a new cluster (node ids); omitted when joining an existing one. */
  readonly bootstrap?: MembershipConfig;
  readonly heartbeatMs: number;
  readonly electionMs: number;
  /** Applied entries between snapshots (etcd's --snapshot-count). */
  readonly snapshotCount: number;
  /** etcd's --auto-compaction-*: run by the leader. */
  readonly autoCompaction?: AutoCompaction | null;
  readonly clock?: Clock;
}

/**
 * One store member's runtime: the Raft server and the replicated state machine, with what reacts
 * to applied state (watch fan-out, lease expiry on the leader, Raft peers from the member table).
 * The gRPC services are thin adapters over it.
 */
export class StoreNode {
  readonly hub: WatchHub;
  readonly keeper: LeaseKeeper;
  readonly sm: StoreStateMachine;
  private published = false;
  private stopped = false;
  private compactor: AutoCompactor | null = null;

  private constructor(
    readonly identity: StoreIdentity,
    readonly raft: RaftServer<ApplyOutcome>,
    sm: StoreStateMachine,
    hub: WatchHub,
    keeper: LeaseKeeper,
  ) {
    this.sm = sm;
    this.hub = hub;
    this.keeper = keeper;
  }

  static async start(o: StoreNodeOptions): Promise<StoreNode> {
    const clock = o.clock ?? new SystemClock();
    let node: StoreNode | null = null;
    const hub = new WatchHub(() => sm.mvcc);
    const keeper = new LeaseKeeper({
      now: () => clock.now(),
      // Leader-only: a deposed leader that has not yet heard of its successor must not forward
      // its expiries to it (the successor gave every lease a fresh TTL when it took over).
      revoke: (id) =>
        node
          ? node.propose({ type: 'lease-revoke', request: { ID: id } }, { leaderOnly: true })
          : Promise.resolve(),
    });
    const sm: StoreStateMachine = new StoreStateMachine(
      {
        onEvents: (events, revision) => hub.publish(events, revision),
        onLeaseGranted: (id, ttl) => keeper.granted(id, ttl),
        onLeaseRevoked: (id) => keeper.revoked(id),
        onMembersChanged: (members) => syncPeers(o.transport, o.identity.memberId, members),
        onRestored: () => {
          hub.resync();
          if (keeper.isLeading) keeper.promote(sm.mvcc.leases());
        },
      },
      {},
      // Heartbeats and client calls go on between the steps of encoding a large snapshot.
      () => new Promise<void>((resolve) => setImmediate(resolve)),
    );
    const tickMs = o.heartbeatMs;
    const raft = await RaftServer.start<ApplyOutcome>({
      id: nodeIdOf(o.identity.memberId),
      bootstrap: o.bootstrap,
      storage: o.storage,
      transport: o.transport,
      stateMachine: sm,
      clock,
      tickMs,
      raft: { electionTicks: Math.max(2, Math.round(o.electionMs / tickMs)), heartbeatTicks: 1 },
      snapshotThreshold: o.snapshotCount,
      snapshotTrailing: Math.min(5000, Math.max(100, Math.floor(o.snapshotCount / 10))),
      addressOf: (id) => sm.members.get(Number.parseInt(id, 16))?.clientUrls[0],
    });
    const started = new StoreNode(o.identity, raft, sm, hub, keeper);
    node = started;
    const compactor = o.autoCompaction
      ? new AutoCompactor({
          policy: o.autoCompaction,
          now: () => clock.now(),
          revision: () => sm.mvcc.revision,
          compactRevision: () => sm.mvcc.compactRevision,
          compact: (revision) => started.propose({ type: 'compact', request: { revision, physical: false } }),
        })
      : null;
    started.compactor = compactor;
    raft.events.on('leaderReady', () => {
      keeper.promote(sm.mvcc.leases());
      compactor?.start();
    });
    raft.events.on('roleChange', ({ role }) => {
      if (role === 'leader') return;
      keeper.demote();
      compactor?.stop();
    });
    raft.events.on('leaderChange', ({ leader }) => {
      if (leader !== null) started.publishAttributes();
    });
    return started;
  }

  /** etcd's response header: this member, the store's revision, Raft's term. */
  header(revision = this.sm.mvcc.revision): ResponseHeader {
    return {
      clusterId: this.identity.clusterId,
      memberId: this.identity.memberId,
      revision,
      raftTerm: this.raft.term,
    };
  }

  /** Replicates `command` (forwarded to the leader from a follower); resolves with etcd's response. */
  async propose(command: StoreCommand, options: ProposeOptions = {}): Promise<unknown> {
    let outcome: ApplyOutcome | undefined;
    try {
      outcome = await this.raft.propose(encodeStoreCommand(command), options);
    } catch (e) {
      throw toEtcdError(e);
    }
    if (!outcome) throw new Error('store: proposal applied without an outcome');
    if (!outcome.ok) throw outcome.error;
    return outcome.response;
  }

  /** Waits until a read of local state is linearizable (batched ReadIndex through the leader). */
  async linearizable(): Promise<void> {
    try {
      await this.raft.linearizableRead();
    } catch (e) {
      throw toEtcdError(e);
    }
  }

  /** The leader's member record, if known. */
  leaderMember(): Member | undefined {
    const leader = this.raft.leader;
    return leader === null ? undefined : this.sm.members.get(Number.parseInt(leader, 16));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.keeper.stop();
    this.compactor?.stop();
    await this.raft.stop();
  }

  /** Publishes this member's name and URLs through the log once per start, as etcd members do. */
  private publishAttributes(): void {
    if (this.published || this.stopped) return;
    this.published = true;
    const { memberId, name, peerUrls, clientUrls } = this.identity;
    this.propose({ type: 'member-attributes', member: { id: memberId, name, peerUrls, clientUrls } }).catch(
      () => {
        this.published = false; // retried at the next leader change
        setTimeout(() => this.publishAttributes(), 500).unref();
      },
    );
  }
}

/** Raft peers follow the member table (peer URLs are `http://host:port`). */
function syncPeers(transport: Transport, self: number, members: readonly Member[]): void {
  for (const m of members) {
    if (m.id === self || m.peerUrls.length === 0) continue;
    transport.addPeer?.(nodeIdOf(m.id), new URL(m.peerUrls[0]).host);
  }
}
