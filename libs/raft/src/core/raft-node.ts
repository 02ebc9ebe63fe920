import {
  decodeConfigEntry,
  encodeBootstrap,
  encodeConfigChange,
  type ConfigChange,
  type ConfigEntry,
} from './config-change.js';
import { ConfigHistory } from './config-history.js';
import { RaftLog } from './log.js';
import { Membership } from './membership.js';
import type {
  AppendRequest,
  AppendResponse,
  ForwardedCommand,
  HeartbeatRequest,
  HeartbeatResponse,
  Message,
  ProposalForward,
  ProposalForwardResponse,
  ReadIndexRequest,
  ReadIndexResponse,
  SnapshotChunk,
  SnapshotChunkResponse,
  VoteRequest,
  VoteResponse,
} from './messages.js';
import { resolveOptions, type RaftOptions } from './options.js';
import { Progress } from './progress.js';
import { majorityCommitted, majorityVoteResult } from './quorum.js';
import { ReadOnlyQueue } from './read-only.js';
import type { ForwardedProposalResult, Ready } from './ready.js';
import type { Rng } from './rng.js';
import { EMPTY_HARD_STATE, sameHardState } from './types.js';
import type {
  Entry,
  HardState,
  MembershipConfig,
  NodeId,
  ReadState,
  Role,
  Snapshot,
  SoftState,
} from './types.js';

export interface RestoredState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
}

export interface RaftNodeInit {
  readonly options: Partial<RaftOptions> & { readonly id: NodeId };
  readonly rng: Rng;
  /**
   * Initial membership. Used only when storage is empty: it becomes a committed config entry at
   * index 1 (identical on every initial member). Servers that join later pass none.
   */
  readonly bootstrap?: MembershipConfig;
  readonly restored?: RestoredState;
}

export type ProposeError = 'not-leader' | 'transferring' | 'config-pending' | 'invalid-config' | 'overloaded';
export type ProposeResult =
  | { readonly ok: true; readonly index: number; readonly term: number }
  | {
      readonly ok: false;
      readonly reason: ProposeError;
      readonly leader: NodeId | null;
      readonly detail?: string;
    };

export interface PeerStatus {
  readonly id: NodeId;
  readonly match: number;
  readonly next: number;
  readonly state: Progress['state'];
  readonly isLearner: boolean;
}

export interface NodeStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly vote: NodeId | null;
  readonly leader: NodeId | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
  readonly membership: MembershipConfig;
  /** Leader only. */
  readonly peers: readonly PeerStatus[];
}

type CampaignKind = 'pre-election' | 'election' | 'transfer';

/** A ReadIndex request and the server that asked (this one, or a follower that forwarded it). */
interface ReadRequest {
  readonly context: string;
  readonly from: NodeId;
}

/** Committed bytes handed to the application in one Ready, released by markApplied. */
interface ApplyingBatch {
  readonly lastIndex: number;
  readonly bytes: number;
}

interface IncomingSnapshot {
  readonly meta: Snapshot['meta'];
  readonly chunks: Uint8Array[];
  size: number;
}

/**
 * The Raft state machine. No I/O, no clock, no Math.random: time enters via `tick()`, input via
 * `step()`/`propose()`, output via `ready()`. See `Ready` for the driver's obligations.
 */
export class RaftNode {
  readonly id: NodeId;
  readonly options: RaftOptions;
  private readonly rng: Rng;

  term = 0;
  vote: NodeId | null = null;
  role: Role = 'follower';
  leader: NodeId | null = null;
  readonly log: RaftLog;
  membership: Membership;

  private progress = new Map<NodeId, Progress>();
  private votes = new Map<NodeId, boolean>();
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private leadTransferee: NodeId | null = null;
  private pendingConfIndex = 0;
  private readonly readOnly = new ReadOnlyQueue();
  /** Reads requested since the last Ready: confirmed together by one heartbeat round. */
  private pendingReads: ReadRequest[] = [];
  private readsAwaitingCommit: ReadRequest[] = [];
  /** The term in which a TimeoutNow arrived that must wait for a committed membership change to apply. */
  private transferPendingTerm: number | null = null;
  /** Who asked for each read in flight, when not this server. */
  private readonly readOrigin = new Map<string, NodeId>();
  /** Entries were appended since the last Ready: one broadcast covers all of them. */
  private needBroadcast = false;
  private uncommittedBytes = 0;
  private applyingBatches: ApplyingBatch[] = [];
  private applyingBytes = 0;
  /** Index of this leader's no-op; leader-only duties may start once it is applied. */
  private noopIndex = 0;
  private readonly configHistory: ConfigHistory;
  private forwardedResults: ForwardedProposalResult[] = [];

  private msgs: Message[] = [];
  private readStates: ReadState[] = [];
  private droppedReads: string[] = [];
  /** Latest snapshot (local or installed), sent to followers behind the compacted log. */
  private snapshot: Snapshot | null;
  private snapshotToPersist: Snapshot | null = null;
  private incoming: IncomingSnapshot | null = null;
  private prevHardState: HardState;
  private prevSoftState: SoftState;

  constructor(init: RaftNodeInit) {
    this.options = resolveOptions(init.options);
    this.id = this.options.id;
    this.rng = init.rng;
    const restored = init.restored;
    const hs = restored?.hardState ?? EMPTY_HARD_STATE;
    this.snapshot = restored?.snapshot ?? null;
    this.log = RaftLog.restore(this.snapshot?.meta ?? null, restored?.entries ?? [], hs.commit);
    // Membership is rebuilt from the snapshot plus config entries as they are (re-)applied.
    this.membership = new Membership(this.snapshot?.meta.config ?? { voters: [], learners: [] });
    this.configHistory = new ConfigHistory(this.log.snapshotIndex, this.membership.toConfig());
    this.term = hs.term;
    this.vote = hs.vote;
    this.prevHardState = this.hardState();
    const fresh = this.snapshot === null && this.log.lastIndex() === 0 && hs.term === 0;
    if (fresh && init.bootstrap && init.bootstrap.voters.length > 0) {
      // Like etcd: every initial member writes the same committed config entry at index 1, term 1.
      this.term = 1;
      this.log.append([{ index: 1, term: 1, kind: 'config', data: encodeBootstrap(init.bootstrap) }]);
      this.log.commitTo(1);
    }
    this.prevSoftState = this.softState();
    this.resetTimers();
  }

  // ---------------------------------------------------------------- public API

  tick(): void {
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  /** Start an election now (as after an election timeout). */
  campaign(): void {
    this.startCampaign(this.options.preVote ? 'pre-election' : 'election');
  }

  /**
   * The transport's connection to `peer` broke. When `peer` is this follower's leader, the likeliest
   * cause is a crashed leader (a killed process's sockets close at once), so stop honouring its
   * lease and campaign within a few ticks instead of a whole election timeout. The remaining voters
   * take turns by id, a tick apart, so that they seldom split the vote. Harmless if the leader lives
   * on: the other followers still hear it and refuse the pre-vote, and its next heartbeat restarts
   * this timer. Needs PreVote: without it a needless campaign would raise the term and depose it.
   */
  leaderConnectionLost(peer: NodeId): void {
    if (!this.options.preVote || this.role !== 'follower' || this.leader !== peer) return;
    const t = this.options.electionTicks;
    if (this.electionElapsed >= t) return; // out of the lease already: the timeout is near
    const turn = this.membership.voters
      .filter((id) => id !== peer)
      .sort()
      .indexOf(this.id);
    if (turn < 0) return; // learners do not campaign
    this.electionElapsed = t;
    this.randomizedElectionTimeout = t + 1 + turn;
  }

  propose(data: Uint8Array): ProposeResult {
    return this.proposeBatch([data]);
  }

  /**
   * Appends the commands as consecutive entries (the result's index is the first one's). They go
   * out in the next Ready's single broadcast, however many proposals came before it.
   */
  proposeBatch(commands: readonly Uint8Array[]): ProposeResult {
    const err = this.proposeCheck();
    if (err) return err;
    let bytes = 0;
    for (const c of commands) bytes += c.length;
    const limit = this.options.maxUncommittedBytes;
    if (limit > 0 && this.uncommittedBytes > 0 && this.uncommittedBytes + bytes > limit) {
      return { ok: false, reason: 'overloaded', leader: this.leader };
    }
    const first = this.log.lastIndex() + 1;
    const entries: Entry[] = commands.map((data, k) => ({
      index: first + k,
      term: this.term,
      kind: 'normal',
      data,
    }));
    this.appendEntries(entries);
    return { ok: true, index: first, term: this.term };
  }

  proposeConfigChange(change: ConfigChange): ProposeResult {
    const err = this.proposeCheck();
    if (err) return err;
    if (this.pendingConfIndex > this.log.applied) {
      return { ok: false, reason: 'config-pending', leader: this.leader };
    }
    const invalid = this.membership.validate(change);
    if (invalid) return { ok: false, reason: 'invalid-config', leader: this.leader, detail: invalid };
    const res = this.appendLocal('config', encodeConfigChange(change));
    if (res.ok) this.pendingConfIndex = res.index;
    return res;
  }

  /**
   * Follower: sends the commands to the leader (etcd's MsgProp). The outcome comes back as a
   * Ready's `forwardedProposals` entry with this `id`. False when no leader is known. A config
   * command must be alone in its batch.
   */
  forwardProposal(id: number, commands: readonly ForwardedCommand[]): boolean {
    if (this.role === 'leader' || this.leader === null) return false;
    const m: ProposalForward = { type: 'propose', from: this.id, to: this.leader, term: 0, id, commands };
    this.msgs.push(m);
    return true;
  }

  /**
   * Leader only: start a ReadIndex round. The answer arrives as a ReadState with `context`.
   * Reads requested before the next Ready share one heartbeat round.
   */
  readIndex(context: string): ProposeResult {
    if (this.role !== 'leader') return { ok: false, reason: 'not-leader', leader: this.leader };
    this.pendingReads.push({ context, from: this.id });
    return { ok: true, index: this.log.committed, term: this.term };
  }

  /** Follower: asks the leader for a read index (etcd's MsgReadIndex). False when no leader is known. */
  forwardReadIndex(context: string): boolean {
    if (this.role === 'leader' || this.leader === null) return false;
    const m: ReadIndexRequest = { type: 'read-index', from: this.id, to: this.leader, term: 0, context };
    this.msgs.push(m);
    return true;
  }

  /** The index of this leader's no-op entry (0 when not leader): once applied, the leader is ready. */
  leaderNoopIndex(): number {
    return this.role === 'leader' ? this.noopIndex : 0;
  }

  /** Leader only: hand leadership to `target` once its log is caught up. */
  transferLeadership(target: NodeId): ProposeResult {
    if (this.role !== 'leader') return { ok: false, reason: 'not-leader', leader: this.leader };
    if (target === this.id) return { ok: true, index: this.log.lastIndex(), term: this.term };
    if (!this.membership.isVoter(target)) {
      return { ok: false, reason: 'invalid-config', leader: this.leader, detail: `${target} is not a voter` };
    }
    this.leadTransferee = target;
    this.electionElapsed = 0;
    const pr = this.progress.get(target);
    if (pr && pr.match === this.log.lastIndex()) this.sendTimeoutNow(target);
    else this.sendAppend(target);
    return { ok: true, index: this.log.lastIndex(), term: this.term };
  }

  /**
   * The application has a snapshot of its state at `index` (<= applied). Entries up to
   * `index - trailing` are dropped from memory; the driver compacts storage alike.
   */
  compact(index: number, data: Uint8Array, trailing = 0): Snapshot | null {
    // A snapshot from the leader installed meanwhile already covers `index`: nothing to do.
    if (index <= this.log.snapshotIndex) return null;
    if (index > this.log.applied)
      throw new Error(`raft: snapshot index ${index} beyond applied ${this.log.applied}`);
    const term = this.log.term(index);
    if (term === undefined) throw new Error(`raft: snapshot index ${index} is not in the log`);
    this.snapshot = { meta: { index, term, config: this.configHistory.at(index) }, data };
    const compactTo = Math.max(this.log.snapshotIndex, index - trailing);
    this.log.compact(compactTo);
    this.configHistory.dropBefore(compactTo);
    return this.snapshot;
  }

  step(m: Message): void {
    if (m.to !== this.id) return;
    switch (m.type) {
      case 'propose':
        this.handleForwardedProposal(m);
        return;
      case 'propose-resp':
        this.forwardedResults.push({ id: m.id, index: m.index, term: m.entryTerm, reject: m.reject });
        return;
      case 'read-index':
        this.handleForwardedRead(m);
        return;
      case 'read-index-resp':
        if (m.reject) this.droppedReads.push(m.context);
        else this.readStates.push({ index: m.index, context: m.context });
        return;
      default:
        break;
    }
    if (m.term > this.term) {
      if (!this.acceptHigherTerm(m)) return;
    } else if (m.term < this.term) {
      this.replyToStaleTerm(m);
      return;
    }
    switch (m.type) {
      case 'vote':
      case 'pre-vote':
        this.handleVoteRequest(m);
        return;
      case 'vote-resp':
      case 'pre-vote-resp':
        this.handleVoteResponse(m);
        return;
      case 'append':
        if (this.becomeFollowerOf(m.from)) this.handleAppend(m);
        return;
      case 'heartbeat':
        if (this.becomeFollowerOf(m.from)) this.handleHeartbeat(m);
        return;
      case 'snapshot':
        if (this.becomeFollowerOf(m.from)) this.handleSnapshotChunk(m);
        return;
      case 'timeout-now':
        if (this.role !== 'follower') return;
        // A committed membership change not yet applied forbids campaigning; the hand-off then
        // waits for it (the leader broadcasts each commit, so this is common when it removed itself).
        if (this.hasUnappliedConfig()) this.transferPendingTerm = this.term;
        else this.startCampaign('transfer');
        return;
      case 'append-resp':
        if (this.role === 'leader') this.handleAppendResponse(m);
        return;
      case 'heartbeat-resp':
        if (this.role === 'leader') this.handleHeartbeatResponse(m);
        return;
      case 'snapshot-resp':
        if (this.role === 'leader') this.handleSnapshotResponse(m);
        return;
    }
  }

  /** Whether `ready()` has work. Also sends what batched proposals and reads are waiting for. */
  hasReady(): boolean {
    this.flushBatched();
    return (
      this.msgs.length > 0 ||
      this.readStates.length > 0 ||
      this.droppedReads.length > 0 ||
      this.forwardedResults.length > 0 ||
      this.snapshotToPersist !== null ||
      this.log.persisting < this.log.lastIndex() ||
      this.canHandOutCommitted() ||
      !sameHardState(this.hardState(), this.prevHardState) ||
      !sameSoftState(this.softState(), this.prevSoftState)
    );
  }

  ready(): Ready {
    this.flushBatched();
    const hs = this.hardState();
    const ss = this.softState();
    const entries = this.log.unstableEntries(this.options.maxReadyBytes);
    const committedEntries = this.canHandOutCommitted()
      ? this.log.nextCommitted(this.options.maxCommittedBytesPerReady)
      : [];
    const prev = this.prevHardState;
    const rd: Ready = {
      softState: sameSoftState(ss, this.prevSoftState) ? null : ss,
      hardState: sameHardState(hs, prev) ? null : hs,
      snapshot: this.snapshotToPersist,
      entries,
      messages: this.msgs,
      committedEntries,
      readStates: this.readStates,
      droppedReads: this.droppedReads,
      forwardedProposals: this.forwardedResults,
      sendBeforePersist:
        this.role === 'leader' &&
        this.snapshotToPersist === null &&
        hs.term === prev.term &&
        hs.vote === prev.vote,
    };
    this.prevHardState = hs;
    this.prevSoftState = ss;
    this.msgs = [];
    this.readStates = [];
    this.droppedReads = [];
    this.forwardedResults = [];
    this.snapshotToPersist = null;
    if (entries.length > 0) this.log.persisting = entries[entries.length - 1].index;
    if (committedEntries.length > 0) this.handOutCommitted(committedEntries);
    return rd;
  }

  /** Synchronous drivers: `rd` is durable and its committed entries are applied. */
  advance(rd: Ready): void {
    this.markPersisted(rd);
    const last = rd.committedEntries[rd.committedEntries.length - 1];
    if (last) this.markApplied(last.index);
  }

  /** `rd`'s snapshot, entries and hard state are durable. */
  markPersisted(rd: Ready): void {
    const last = rd.entries[rd.entries.length - 1];
    if (!last) return;
    this.log.stableTo(last.index, last.term);
    if (this.role === 'leader') {
      this.progress.get(this.id)?.maybeUpdate(this.log.stable);
      if (this.maybeCommit()) this.broadcastAppend();
    }
  }

  /**
   * The application applied every committed entry up to `index` (handed out by earlier Readies).
   * Membership changes take effect here, in log order.
   */
  markApplied(index: number): void {
    if (index <= this.log.applied) return;
    if (index > this.log.applying)
      throw new Error(`raft: applied ${index} beyond what was handed out (${this.log.applying})`);
    for (let i = this.log.applied + 1; i <= index; i++) {
      const e = this.log.entryAt(i);
      this.log.applied = i;
      if (e?.kind === 'config') this.applyConfigEntry(decodeConfigEntry(e.data), i);
    }
    while (this.applyingBatches.length > 0 && this.applyingBatches[0].lastIndex <= index) {
      const b = this.applyingBatches.shift();
      if (b) this.applyingBytes -= b.bytes;
    }
    if (this.transferPendingTerm === this.term && this.role === 'follower' && !this.hasUnappliedConfig()) {
      this.transferPendingTerm = null;
      this.startCampaign('transfer');
    }
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  softState(): SoftState {
    return { role: this.role, leader: this.leader };
  }

  status(): NodeStatus {
    const peers: PeerStatus[] = [];
    if (this.role === 'leader') {
      for (const [id, pr] of this.progress) {
        peers.push({ id, match: pr.match, next: pr.next, state: pr.state, isLearner: pr.isLearner });
      }
    }
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      vote: this.vote,
      leader: this.leader,
      commitIndex: this.log.committed,
      appliedIndex: this.log.applied,
      lastIndex: this.log.lastIndex(),
      snapshotIndex: this.log.snapshotIndex,
      membership: this.membership.toConfig(),
      peers,
    };
  }

  // ---------------------------------------------------------------- batching

  /** One broadcast for all entries appended since the last Ready, one heartbeat round for all reads. */
  private flushBatched(): void {
    if (this.role !== 'leader') return;
    if (this.needBroadcast) {
      this.needBroadcast = false;
      this.broadcastAppend();
    }
    if (this.pendingReads.length > 0) {
      const batch = this.pendingReads;
      this.pendingReads = [];
      if (this.committedInCurrentTerm()) this.startReads(batch);
      else this.readsAwaitingCommit.push(...batch);
    }
  }

  /** Back-pressure: hold committed entries while the application is behind by maxApplyingBytes. */
  private canHandOutCommitted(): boolean {
    return (
      this.log.hasNextCommitted() &&
      (this.applyingBytes === 0 || this.applyingBytes < this.options.maxApplyingBytes)
    );
  }

  private handOutCommitted(entries: readonly Entry[]): void {
    let bytes = 0;
    for (const e of entries) bytes += e.data.length;
    const last = entries[entries.length - 1].index;
    this.log.applying = last;
    this.applyingBatches.push({ lastIndex: last, bytes });
    this.applyingBytes += bytes;
    if (this.role === 'leader') this.uncommittedBytes = Math.max(0, this.uncommittedBytes - bytes);
  }

  // ---------------------------------------------------------------- roles

  private resetTimers(): void {
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    const t = this.options.electionTicks;
    this.randomizedElectionTimeout = t + this.rng.int(t);
  }

  private reset(term: number): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = null;
    }
    this.leader = null;
    this.resetTimers();
    this.votes.clear();
    this.leadTransferee = null;
    this.dropReads();
    this.progress = new Map();
    this.needBroadcast = false;
    this.uncommittedBytes = 0;
    this.noopIndex = 0;
  }

  private dropReads(): void {
    const contexts = [
      ...this.readOnly.reset(),
      ...this.readsAwaitingCommit.map((r) => r.context),
      ...this.pendingReads.map((r) => r.context),
    ];
    this.readsAwaitingCommit = [];
    this.pendingReads = [];
    for (const context of contexts) {
      const from = this.readOrigin.get(context);
      if (from === undefined) this.droppedReads.push(context);
      else this.sendReadIndexResponse(from, context, 0, true);
    }
    this.readOrigin.clear();
  }

  private becomeFollower(term: number, leader: NodeId | null): void {
    this.reset(term);
    this.role = 'follower';
    this.leader = leader;
  }

  /** An append/heartbeat/snapshot of the current term arrived: its sender is the leader. */
  private becomeFollowerOf(leader: NodeId): boolean {
    if (this.role === 'leader') return false; // same-term second leader: impossible; ignore defensively
    if (this.role !== 'follower' || this.leader !== leader) this.becomeFollower(this.term, leader);
    this.electionElapsed = 0;
    return true;
  }

  private becomeLeader(): void {
    this.reset(this.term);
    this.role = 'leader';
    this.leader = this.id;
    const next = this.log.lastIndex() + 1;
    for (const id of this.membership.all()) {
      this.progress.set(id, new Progress(next, this.options.maxInflight, this.membership.isLearner(id)));
    }
    const self = this.progress.get(this.id);
    if (self) self.maybeUpdate(this.log.stable);
    // Config changes wait until everything before this term's no-op is applied (single-step safety).
    this.pendingConfIndex = this.log.lastIndex();
    const res = this.appendLocal('noop', new Uint8Array(0));
    if (res.ok) this.noopIndex = res.index;
  }

  private promotable(): boolean {
    return this.membership.isVoter(this.id);
  }

  private startCampaign(kind: CampaignKind): void {
    if (!this.promotable() || this.hasUnappliedConfig()) return;
    let voteTerm: number;
    if (kind === 'pre-election') {
      this.reset(this.term);
      this.role = 'pre-candidate';
      voteTerm = this.term + 1;
    } else {
      this.reset(this.term + 1);
      this.role = 'candidate';
      this.vote = this.id;
      voteTerm = this.term;
    }
    this.votes.set(this.id, true);
    if (this.tally() === 'won') {
      this.onVoteWon(kind);
      return;
    }
    const type = kind === 'pre-election' ? 'pre-vote' : 'vote';
    for (const to of this.membership.voters) {
      if (to === this.id) continue;
      const m: VoteRequest = {
        type,
        from: this.id,
        to,
        term: voteTerm,
        lastIndex: this.log.lastIndex(),
        lastTerm: this.log.lastTerm(),
        force: kind === 'transfer',
      };
      this.msgs.push(m);
    }
  }

  private onVoteWon(kind: CampaignKind): void {
    if (kind === 'pre-election') this.startCampaign('election');
    else this.becomeLeader();
  }

  private tally(): ReturnType<typeof majorityVoteResult> {
    return majorityVoteResult(this.membership.voters, this.votes);
  }

  private hasUnappliedConfig(): boolean {
    for (let i = this.log.applied + 1; i <= this.log.committed; i++) {
      if (this.log.entryAt(i)?.kind === 'config') return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- ticks

  private tickElection(): void {
    this.electionElapsed++;
    if (this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.campaign();
    }
  }

  private tickLeader(): void {
    this.electionElapsed++;
    if (this.electionElapsed >= this.options.electionTicks) {
      this.electionElapsed = 0;
      if (this.options.checkQuorum) {
        if (!this.quorumActive()) {
          this.becomeFollower(this.term, null);
          return;
        }
        for (const [id, pr] of this.progress) pr.recentActive = id === this.id;
      }
      this.leadTransferee = null; // transfer timed out
    }
    this.heartbeatElapsed++;
    if (this.heartbeatElapsed >= this.options.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat(this.readOnly.lastContext());
    }
  }

  private quorumActive(): boolean {
    const votes = new Map<NodeId, boolean>();
    for (const id of this.membership.voters)
      votes.set(id, id === this.id || (this.progress.get(id)?.recentActive ?? false));
    return majorityVoteResult(this.membership.voters, votes) === 'won';
  }

  // ---------------------------------------------------------------- term handling

  /** Returns whether to process `m` further. */
  private acceptHigherTerm(m: Message): boolean {
    if (m.type === 'vote' || m.type === 'pre-vote') {
      const inLease =
        this.options.checkQuorum && this.leader !== null && this.electionElapsed < this.options.electionTicks;
      if (inLease && !m.force) return false; // a live leader exists: do not let a partitioned node disrupt it
    }
    if (m.type === 'pre-vote') return true; // pre-votes never change our term
    if (m.type === 'pre-vote-resp' && m.granted) return true;
    const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot';
    const elapsed = this.electionElapsed;
    this.becomeFollower(m.term, fromLeader ? m.from : null);
    // Only a leader's message or a granted vote restarts the election timer (Figure 2). Otherwise
    // candidates with stale logs, campaigning in turn, keep the up-to-date servers from ever
    // timing out: a livelock the randomized runner found with PreVote off.
    if (!fromLeader) this.electionElapsed = elapsed;
    return true;
  }

  private replyToStaleTerm(m: Message): void {
    if (
      (this.options.checkQuorum || this.options.preVote) &&
      (m.type === 'append' || m.type === 'heartbeat')
    ) {
      // Tell a deposed leader about the new term so it steps down.
      this.sendAppendResponse(m.from, 0, false);
    } else if (m.type === 'pre-vote') {
      this.sendVoteResponse(m.from, 'pre-vote-resp', this.term, false);
    }
  }

  // ---------------------------------------------------------------- elections

  private handleVoteRequest(m: VoteRequest): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === null && this.leader === null) ||
      (m.type === 'pre-vote' && m.term > this.term);
    const respType = m.type === 'vote' ? 'vote-resp' : 'pre-vote-resp';
    if (canVote && this.log.isUpToDate(m.lastIndex, m.lastTerm)) {
      this.sendVoteResponse(m.from, respType, m.term, true);
      if (m.type === 'vote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.sendVoteResponse(m.from, respType, this.term, false);
    }
  }

  private handleVoteResponse(m: VoteResponse): void {
    const expected =
      this.role === 'pre-candidate' ? 'pre-vote-resp' : this.role === 'candidate' ? 'vote-resp' : null;
    if (m.type !== expected) return;
    this.votes.set(m.from, m.granted);
    const result = this.tally();
    if (result === 'won') this.onVoteWon(this.role === 'pre-candidate' ? 'pre-election' : 'election');
    else if (result === 'lost') this.becomeFollower(this.term, null);
  }

  // ---------------------------------------------------------------- follower side

  private handleAppend(m: AppendRequest): void {
    if (m.prevIndex < this.log.committed) {
      this.sendAppendResponse(m.from, this.log.committed, false);
      return;
    }
    const lastNew = this.log.maybeAppend(m.prevIndex, m.prevTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.sendAppendResponse(m.from, lastNew, false);
      return;
    }
    const hint = this.log.findConflictByTerm(m.prevIndex, m.prevTerm);
    const resp: AppendResponse = {
      type: 'append-resp',
      from: this.id,
      to: m.from,
      term: this.term,
      index: m.prevIndex,
      reject: true,
      hintIndex: hint.index,
      hintTerm: hint.term,
    };
    this.msgs.push(resp);
  }

  private handleHeartbeat(m: HeartbeatRequest): void {
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    const resp: HeartbeatResponse = {
      type: 'heartbeat-resp',
      from: this.id,
      to: m.from,
      term: this.term,
      context: m.context,
    };
    this.msgs.push(resp);
  }

  private handleSnapshotChunk(m: SnapshotChunk): void {
    if (m.meta.index <= this.log.committed) {
      this.incoming = null;
      this.sendAppendResponse(m.from, this.log.committed, false);
      return;
    }
    if (m.offset === 0) this.incoming = { meta: m.meta, chunks: [], size: 0 };
    const inc = this.incoming;
    if (!inc || inc.meta.index !== m.meta.index || inc.meta.term !== m.meta.term || inc.size !== m.offset) {
      const nextOffset = inc && inc.meta.index === m.meta.index ? inc.size : 0;
      this.sendSnapshotResponse(m.from, m.meta.index, nextOffset);
      return;
    }
    inc.chunks.push(m.data);
    inc.size += m.data.length;
    if (!m.done) {
      this.sendSnapshotResponse(m.from, m.meta.index, inc.size);
      return;
    }
    this.incoming = null;
    const data = concat(inc.chunks, inc.size);
    this.restoreSnapshot({ meta: inc.meta, data });
    this.sendAppendResponse(m.from, this.log.lastIndex(), false);
  }

  private restoreSnapshot(snap: Snapshot): void {
    if (this.log.matchTerm(snap.meta.index, snap.meta.term)) {
      // We already have the covered entries; just learn they are committed.
      this.log.commitTo(snap.meta.index);
      return;
    }
    this.log.restoreSnapshot(snap.meta);
    this.membership = new Membership(snap.meta.config);
    this.configHistory.reset(snap.meta.index, this.membership.toConfig());
    this.applyingBatches = [];
    this.applyingBytes = 0;
    this.snapshot = snap;
    this.snapshotToPersist = snap;
  }

  // ---------------------------------------------------------------- leader side

  private proposeCheck(): ProposeResult | null {
    if (this.role !== 'leader') return { ok: false, reason: 'not-leader', leader: this.leader };
    if (this.leadTransferee !== null) return { ok: false, reason: 'transferring', leader: this.leader };
    return null;
  }

  private appendLocal(kind: Entry['kind'], data: Uint8Array): ProposeResult {
    const index = this.log.lastIndex() + 1;
    this.appendEntries([{ index, term: this.term, kind, data }]);
    return { ok: true, index, term: this.term };
  }

  private appendEntries(entries: readonly Entry[]): void {
    this.log.append(entries);
    for (const e of entries) this.uncommittedBytes += e.data.length;
    this.needBroadcast = true;
  }

  private handleForwardedProposal(m: ProposalForward): void {
    const res = this.proposeForwarded(m.commands);
    const resp: ProposalForwardResponse = {
      type: 'propose-resp',
      from: this.id,
      to: m.from,
      term: 0,
      id: m.id,
      index: res.ok ? res.index : 0,
      entryTerm: res.ok ? res.term : 0,
      reject: res.ok ? '' : res.reason,
    };
    this.msgs.push(resp);
  }

  private proposeForwarded(commands: readonly ForwardedCommand[]): ProposeResult {
    if (commands.length === 0) return { ok: false, reason: 'invalid-config', leader: this.leader };
    if (!commands.some((c) => c.kind === 'config')) return this.proposeBatch(commands.map((c) => c.data));
    if (commands.length !== 1) return { ok: false, reason: 'invalid-config', leader: this.leader };
    let entry: ConfigEntry;
    try {
      entry = decodeConfigEntry(commands[0].data);
    } catch {
      return { ok: false, reason: 'invalid-config', leader: this.leader };
    }
    if (entry.type === 'bootstrap') return { ok: false, reason: 'invalid-config', leader: this.leader };
    return this.proposeConfigChange(entry);
  }

  private handleForwardedRead(m: ReadIndexRequest): void {
    if (this.role !== 'leader') {
      this.sendReadIndexResponse(m.from, m.context, 0, true);
      return;
    }
    this.readOrigin.set(m.context, m.from);
    this.pendingReads.push({ context: m.context, from: m.from });
  }

  private sendReadIndexResponse(to: NodeId, context: string, index: number, reject: boolean): void {
    const m: ReadIndexResponse = {
      type: 'read-index-resp',
      from: this.id,
      to,
      term: 0,
      context,
      index,
      reject,
    };
    this.msgs.push(m);
  }

  private peers(): NodeId[] {
    return [...this.progress.keys()].filter((id) => id !== this.id);
  }

  private broadcastAppend(): void {
    for (const id of this.peers()) this.sendAppend(id);
  }

  private broadcastHeartbeat(context: string | null): void {
    for (const id of this.peers()) {
      const pr = this.progress.get(id);
      if (!pr) continue;
      const m: HeartbeatRequest = {
        type: 'heartbeat',
        from: this.id,
        to: id,
        term: this.term,
        commit: Math.min(pr.match, this.log.committed),
        context,
      };
      this.msgs.push(m);
    }
  }

  /** Sends the next batch to `to` if flow control allows. Returns whether something was sent. */
  private sendAppend(to: NodeId, sendIfEmpty = true): boolean {
    const pr = this.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    if (prevTerm === undefined || pr.next < this.log.firstIndex()) {
      return this.startSnapshot(to, pr);
    }
    const entries =
      pr.next > this.log.lastIndex()
        ? []
        : this.log.slice(
            pr.next,
            this.log.lastIndex() + 1,
            this.options.maxEntriesPerMessage,
            this.options.maxBytesPerMessage,
          );
    if (entries.length === 0 && !sendIfEmpty) return false;
    const m: AppendRequest = {
      type: 'append',
      from: this.id,
      to,
      term: this.term,
      prevIndex,
      prevTerm,
      entries,
      commit: this.log.committed,
    };
    this.msgs.push(m);
    const last = entries[entries.length - 1];
    if (last) pr.sentEntries(last.index);
    else if (pr.state === 'probe') pr.probeSent = true;
    return true;
  }

  private startSnapshot(to: NodeId, pr: Progress): boolean {
    const snap = this.snapshot;
    if (!snap) throw new Error('raft: follower needs compacted entries but there is no snapshot');
    pr.becomeSnapshot(snap);
    this.sendSnapshotChunk(to, pr);
    return true;
  }

  private sendSnapshotChunk(to: NodeId, pr: Progress): void {
    const snap = pr.snapshot;
    if (!snap) return;
    const offset = pr.snapshotOffset;
    const end = Math.min(snap.data.length, offset + this.options.snapshotChunkBytes);
    const m: SnapshotChunk = {
      type: 'snapshot',
      from: this.id,
      to,
      term: this.term,
      meta: snap.meta,
      offset,
      totalBytes: snap.data.length,
      data: snap.data.subarray(offset, end),
      done: end === snap.data.length,
    };
    this.msgs.push(m);
  }

  private sendTimeoutNow(to: NodeId): void {
    this.msgs.push({ type: 'timeout-now', from: this.id, to, term: this.term });
  }

  private handleAppendResponse(m: AppendResponse): void {
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    if (m.reject) {
      const hint = m.hintTerm > 0 ? this.log.findConflictByTerm(m.hintIndex, m.hintTerm).index : m.hintIndex;
      if (pr.maybeDecrTo(m.index, hint)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from);
      }
      return;
    }
    const wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index)) {
      if (wasPaused && !pr.isPaused()) this.sendAppend(m.from);
      return;
    }
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (pr.state === 'snapshot' && pr.match >= (pr.snapshot?.meta.index ?? 0)) {
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);
    // A new commit index goes to every follower at once (an empty append if need be), not with the
    // next heartbeat: a follower answers a forwarded write, and serves watches, only once it applies.
    if (this.maybeCommit()) this.broadcastAppend();
    while (this.sendAppend(m.from, false)) {
      // fill the pipeline up to the inflight window
    }
    if (this.leadTransferee === m.from && pr.match === this.log.lastIndex()) this.sendTimeoutNow(m.from);
  }

  private handleHeartbeatResponse(m: HeartbeatResponse): void {
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    pr.probeSent = false;
    if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
    if (pr.state === 'snapshot')
      this.sendSnapshotChunk(m.from, pr); // retry a lost chunk
    else if (pr.match < this.log.lastIndex()) this.sendAppend(m.from);
    if (m.context !== null) {
      const acks = this.readOnly.ack(m.from, m.context);
      if (acks && this.hasVoterQuorum(acks)) {
        for (const rs of this.readOnly.release(m.context)) this.deliverRead(rs.context, rs.index);
      }
    }
  }

  private handleSnapshotResponse(m: SnapshotChunkResponse): void {
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    if (pr.state !== 'snapshot' || pr.snapshot?.meta.index !== m.snapshotIndex) return;
    if (m.nextOffset === pr.snapshotOffset && m.nextOffset !== 0) return; // duplicate ack
    pr.snapshotOffset = Math.min(m.nextOffset, pr.snapshot.data.length);
    this.sendSnapshotChunk(m.from, pr);
  }

  private hasVoterQuorum(ids: ReadonlySet<NodeId>): boolean {
    const votes = new Map<NodeId, boolean>();
    for (const id of this.membership.voters) votes.set(id, ids.has(id));
    return majorityVoteResult(this.membership.voters, votes) === 'won';
  }

  /** Advances the commit index to what a quorum holds; returns whether it moved. */
  private maybeCommit(): boolean {
    const match = (id: NodeId): number => this.progress.get(id)?.match ?? 0;
    const index = majorityCommitted(this.membership.voters, match);
    if (index > this.log.lastIndex()) return false;
    const wasCommittedInTerm = this.committedInCurrentTerm();
    if (!this.log.maybeCommit(index, this.term)) return false;
    if (!wasCommittedInTerm) {
      const waiting = this.readsAwaitingCommit;
      this.readsAwaitingCommit = [];
      if (waiting.length > 0) this.startReads(waiting);
    }
    return true;
  }

  private committedInCurrentTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  /** One heartbeat round confirms the whole batch (the queue releases earlier contexts with later ones). */
  private startReads(batch: readonly ReadRequest[]): void {
    const index = this.log.committed;
    if (this.membership.voters.length === 1 && this.membership.isVoter(this.id)) {
      for (const r of batch) this.deliverRead(r.context, index);
      return;
    }
    for (const r of batch) this.readOnly.add(index, r.context, this.id);
    this.broadcastHeartbeat(batch[batch.length - 1].context);
  }

  private deliverRead(context: string, index: number): void {
    const from = this.readOrigin.get(context);
    if (from === undefined) {
      this.readStates.push({ index, context });
      return;
    }
    this.readOrigin.delete(context);
    this.sendReadIndexResponse(from, context, index, false);
  }

  /**
   * The leader applied its own removal (the change is committed). Rather than leave the cluster
   * leaderless for an election timeout, it sends whatever the most up-to-date remaining voter
   * lacks plus TimeoutNow (which bypasses vote leases), then steps down. If that voter cannot win
   * (e.g. the TimeoutNow overtakes the entries), a normal election follows; safety never depends
   * on the hand-off.
   */
  private handOffAfterRemoval(): void {
    let target: NodeId | null = null;
    let best = -1;
    for (const id of this.membership.voters) {
      const pr = this.progress.get(id);
      if (id === this.id || !pr) continue;
      const score = pr.match * 2 + (pr.recentActive ? 1 : 0);
      if (score > best) {
        best = score;
        target = id;
      }
    }
    if (target !== null) {
      const pr = this.progress.get(target);
      if (pr && pr.match < this.log.lastIndex()) {
        if (pr.state === 'replicate') pr.becomeProbe(); // resend from match, ignoring flow control
        pr.probeSent = false;
        this.sendAppend(target);
      }
      this.sendTimeoutNow(target);
    }
    this.becomeFollower(this.term, null);
  }

  private applyConfigEntry(entry: ConfigEntry, index: number): void {
    this.membership = this.membership.applyEntry(entry);
    this.configHistory.record(index, this.membership.toConfig());
    if (this.role !== 'leader') return;
    if (!this.membership.isVoter(this.id)) {
      this.handOffAfterRemoval();
      return;
    }
    for (const id of this.membership.all()) {
      const pr = this.progress.get(id);
      if (pr) pr.isLearner = this.membership.isLearner(id);
      else {
        this.progress.set(
          id,
          new Progress(this.log.lastIndex() + 1, this.options.maxInflight, this.membership.isLearner(id)),
        );
        this.sendAppend(id);
      }
    }
    for (const id of [...this.progress.keys()]) {
      if (!this.membership.isMember(id)) this.progress.delete(id);
    }
    if (this.leadTransferee !== null && !this.membership.isVoter(this.leadTransferee))
      this.leadTransferee = null;
    this.maybeCommit();
  }

  // ---------------------------------------------------------------- responses

  private sendAppendResponse(to: NodeId, index: number, reject: boolean): void {
    const m: AppendResponse = {
      type: 'append-resp',
      from: this.id,
      to,
      term: this.term,
      index,
      reject,
      hintIndex: 0,
      hintTerm: 0,
    };
    this.msgs.push(m);
  }

  private sendVoteResponse(to: NodeId, type: VoteResponse['type'], term: number, granted: boolean): void {
    this.msgs.push({ type, from: this.id, to, term, granted });
  }

  private sendSnapshotResponse(to: NodeId, snapshotIndex: number, nextOffset: number): void {
    const m: SnapshotChunkResponse = {
      type: 'snapshot-resp',
      from: this.id,
      to,
      term: this.term,
      snapshotIndex,
      nextOffset,
    };
    this.msgs.push(m);
  }
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.role === b.role && a.leader === b.leader;
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
