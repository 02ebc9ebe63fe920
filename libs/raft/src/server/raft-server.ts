import { decodeConfigEntry, encodeConfigChange, type ConfigChange } from '../core/config-change.js';
import type { ForwardedCommand } from '../core/messages.js';
import type { RaftOptions } from '../core/options.js';
import { RaftNode, type NodeStatus, type ProposeResult } from '../core/raft-node.js';
import type { ForwardedProposalResult, Ready } from '../core/ready.js';
import { createRng, type Rng } from '../core/rng.js';
import type { Entry, NodeId, Role, Snapshot } from '../core/types.js';
import type { MembershipConfig } from '../core/types.js';
import type { Clock, TimerHandle } from '../interfaces/clock.js';
import type { StateMachine } from '../interfaces/state-machine.js';
import type { Storage } from '../interfaces/storage.js';
import type { Transport } from '../interfaces/transport.js';
import {
  ApplyTimeoutError,
  ConfigChangePendingError,
  InvalidConfigChangeError,
  LeadershipTransferInProgressError,
  LearnerNotCaughtUpError,
  NotLeaderError,
  OverloadedError,
  ProposalAbortedError,
  ServerStoppedError,
  TransferTimeoutError,
} from './errors.js';
import { ProposalTracker, type PendingProposal } from './proposal-tracker.js';
import { ReadIndexBatcher } from './read-index-batcher.js';
import { TypedEmitter } from './typed-emitter.js';

export interface RaftServerOptions<R> {
  readonly id: NodeId;
  /** Initial voters; identical on every start of the initial members, omitted by servers that join later. */
  readonly bootstrap?: MembershipConfig;
  readonly storage: Storage;
  readonly transport: Transport;
  readonly stateMachine: StateMachine<R>;
  readonly clock: Clock;
  /** Milliseconds per core tick (default 100: election timeout 1–2 s with the default 10 ticks). */
  readonly tickMs?: number;
  readonly raft?: Partial<Omit<RaftOptions, 'id'>>;
  readonly rng?: Rng;
  /** Take a snapshot after this many applied entries (default 1000; 0 disables). */
  readonly snapshotThreshold?: number;
  /** Entries kept in the log after a snapshot, for slightly lagging followers (default 100). */
  readonly snapshotTrailing?: number;
  /**
   * Default deadline of `propose`, reads and membership changes, in ms (default: 10 election
   * timeouts, 10 s with the defaults; 0 = wait forever).
   */
  readonly proposalTimeoutMs?: number;
  /** Followers forward proposals and read-index requests to the leader (default true). */
  readonly forwarding?: boolean;
  /** A member's advertised address, for NotLeaderError's `leaderAddress`. */
  readonly addressOf?: (id: NodeId) => string | undefined;
}

export interface ProposeOptions {
  /** Reject with ProposalTimeoutError if not applied within this many ms (default: `proposalTimeoutMs`). */
  readonly timeoutMs?: number;
  /** Reject with ProposalAbortedError when aborted. Does not retract an entry already in the log. */
  readonly signal?: AbortSignal;
  /**
   * Only a leader appends it; a follower rejects it with NotLeaderError instead of forwarding it.
   * For work that only the current leader may decide, such as expiring leases: a deposed leader
   * that has not heard of it yet must not hand such a decision to its successor.
   */
  readonly leaderOnly?: boolean;
}

export interface WaitOptions {
  /** Reject with a time-out error after this many ms (default: wait forever for waitApplied, `proposalTimeoutMs` for reads). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface RaftServerEvents {
  leaderChange: { readonly leader: NodeId | null; readonly term: number };
  roleChange: { readonly role: Role; readonly term: number };
  /** This server leads `term` and has applied its no-op: leader-only duties may start. */
  leaderReady: { readonly term: number };
  applied: { readonly index: number };
  error: Error;
}

export interface ServerStatus extends NodeStatus {
  readonly stopped: boolean;
  /** Leader whose no-op entry is applied (see the `leaderReady` event). */
  readonly leaderReady: boolean;
}

type ApplyItem = { readonly snapshot: Snapshot } | { readonly entries: readonly Entry[] };

interface AppliedWaiter {
  readonly index: number;
  resolve(): void;
  reject(e: Error): void;
}

/**
 * Drives a RaftNode with real I/O. Two loops run side by side:
 *  - the Ready loop: queue each Ready's committed entries for applying, persist the Ready with one
 *    `Storage.save` (a leader sends its appends while that write is in flight), send, report it
 *    persisted;
 *  - the apply loop: applies queued entries and snapshots to the StateMachine and takes local
 *    snapshots, so a slow `apply` or `snapshot()` never holds up heartbeats or appends.
 * Proposals and reads made in one turn of the event loop are batched into one append / one
 * heartbeat round. Followers forward both to the leader.
 */
export class RaftServer<R = unknown> {
  readonly events = new TypedEmitter<RaftServerEvents>();
  private readonly proposals: ProposalTracker<R>;
  private readonly reads: ReadIndexBatcher;
  private readonly appliedWaiters = new Set<AppliedWaiter>();
  private queuedProposals: PendingProposal<R>[] = [];
  private flushScheduled = false;
  private readonly forwarded = new Map<number, PendingProposal<R>[]>();
  private forwardSeq = 0;
  private running = false;
  private stopped = false;
  /** The Ready loop in progress, if any; stop() waits for it. */
  private pumping: Promise<void> | undefined;
  private applyQueue: ApplyItem[] = [];
  private applying: Promise<void> | undefined;
  /** Storage writes run one at a time: Ready saves and local snapshots share this chain. */
  private storageChain: Promise<void> = Promise.resolve();
  private ticker: TimerHandle | null = null;
  private applied: number;
  private lastSnapshotIndex: number;
  private readyTerm = 0;
  private failure: Error | null = null;

  private constructor(
    private readonly opts: RaftServerOptions<R>,
    private readonly node: RaftNode,
    /** Random per start: forwarded-proposal ids and read contexts never repeat across restarts. */
    incarnation: number,
  ) {
    this.applied = node.log.applied;
    this.lastSnapshotIndex = node.log.snapshotIndex;
    this.forwardSeq = incarnation * 2 ** 21;
    this.proposals = new ProposalTracker<R>(
      opts.clock,
      (term) => this.node.role === 'leader' && this.node.term === term,
      (index) => index <= this.applied,
    );
    this.reads = new ReadIndexBatcher(
      `${opts.id}/${incarnation.toString(36)}`,
      opts.clock,
      (context) => this.requestReadIndex(context),
      3 * this.tickMs() * this.node.options.heartbeatTicks + this.tickMs(),
    );
  }

  /** Loads persisted state, restores the state machine from the latest snapshot and starts ticking. */
  static async start<R>(opts: RaftServerOptions<R>): Promise<RaftServer<R>> {
    const persisted = await opts.storage.load();
    if (persisted.snapshot) await opts.stateMachine.restore(persisted.snapshot.data);
    // Without a given rng, seed from the id and the time: restarts must not repeat choices.
    const rng = opts.rng ?? createRng(hashSeed(`${opts.id}/${Date.now()}`));
    const incarnation = rng.int(2 ** 31);
    const node = new RaftNode({
      options: { ...opts.raft, id: opts.id },
      rng,
      bootstrap: opts.bootstrap,
      restored: persisted,
    });
    const server = new RaftServer(opts, node, incarnation);
    opts.transport.listen((m) => {
      if (server.stopped) return;
      server.node.step(m);
      server.kick();
    });
    opts.transport.onConnectionLost?.((peer) => {
      if (server.stopped) return;
      server.node.leaderConnectionLost(peer);
      server.kick();
    });
    server.ticker = opts.clock.setInterval(() => {
      if (server.stopped) return;
      server.node.tick();
      server.reads.retryStale();
      server.kick();
    }, server.tickMs());
    server.kick();
    return server;
  }

  get id(): NodeId {
    return this.node.id;
  }

  status(): ServerStatus {
    return {
      ...this.node.status(),
      appliedIndex: this.applied,
      stopped: this.stopped,
      leaderReady: this.isLeaderReady(),
    };
  }

  /**
   * The core node, for the testing harness's safety checks only (`@flotilla/raft/testing`).
   * @internal
   */
  debugNode(): RaftNode {
    return this.node;
  }

  isLeader(): boolean {
    return this.node.role === 'leader';
  }

  /** The current term (cheaper than `status()`, for response headers). */
  get term(): number {
    return this.node.term;
  }

  /** The leader this server knows of, or null. */
  get leader(): NodeId | null {
    return this.node.leader;
  }

  /** The highest index applied to the state machine here. */
  get appliedIndex(): number {
    return this.applied;
  }

  /** Leader of the current term with its no-op applied. */
  isLeaderReady(): boolean {
    return this.node.role === 'leader' && this.readyTerm === this.node.term;
  }

  /**
   * Replicates `command`; resolves with the state machine's result once applied here. On a
   * follower the command is forwarded to the leader. Rejects with NotLeaderError (no leader
   * known), LeadershipTransferInProgressError, OverloadedError (refused; safe to retry),
   * ProposalDroppedError (a new leader overwrote the entry: never applied),
   * ProposalTimeoutError / ProposalAbortedError / ProposalCoveredBySnapshotError (outcome
   * unknown) or ServerStoppedError.
   */
  propose(command: Uint8Array, options: ProposeOptions = {}): Promise<R | undefined> {
    return this.enqueue(command, 'normal', options);
  }

  /** Confirms leadership with a quorum and returns an index; reads are linearizable once applied >= it. */
  readIndex(options: WaitOptions = {}): Promise<number> {
    if (this.stopped) return Promise.reject(new ServerStoppedError());
    return this.reads.read({
      timeoutMs: options.timeoutMs ?? this.proposalTimeoutMs(),
      signal: options.signal,
    });
  }

  /**
   * Resolves when a read of the local state machine would be linearizable: the read index from
   * the leader (forwarded by a follower, batched with concurrent reads), then applied here.
   */
  async linearizableRead(options: WaitOptions = {}): Promise<void> {
    const index = await this.readIndex(options);
    await this.waitApplied(index, options);
  }

  /**
   * Resolves once this server applied `index`: a read of the local state machine then reflects
   * every write committed before that index.
   */
  waitApplied(index: number, options: WaitOptions = {}): Promise<void> {
    if (this.applied >= index) return Promise.resolve();
    if (this.stopped) return Promise.reject(new ServerStoppedError());
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        timer?.cancel();
        signal?.removeEventListener('abort', onAbort);
        this.appliedWaiters.delete(w);
      };
      const w: AppliedWaiter = {
        index,
        resolve: (): void => {
          cleanup();
          resolve();
        },
        reject: (e: Error): void => {
          cleanup();
          reject(e);
        },
      };
      const onAbort = (): void => w.reject(abortReason(signal));
      const ms = options.timeoutMs ?? 0;
      const timer =
        ms > 0
          ? this.opts.clock.setTimeout(() => w.reject(new ApplyTimeoutError(index, this.applied, ms)), ms)
          : null;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.appliedWaiters.add(w);
    });
  }

  addVoter(id: NodeId, context?: Uint8Array): Promise<void> {
    return this.changeConfig({ type: 'add-voter', id, context });
  }

  addLearner(id: NodeId, context?: Uint8Array): Promise<void> {
    return this.changeConfig({ type: 'add-learner', id, context });
  }

  /**
   * Learner -> voter, once the learner has caught up: its match index is within `maxLag` entries
   * of the leader's last index (default 0). Promoting a lagging learner would make it a voter that
   * cannot help commit, lowering availability; this waits up to `timeoutMs` (default 10 election
   * timeouts) and then rejects with LearnerNotCaughtUpError, leaving the learner as it was.
   */
  async promote(
    id: NodeId,
    options: { maxLag?: number; timeoutMs?: number; signal?: AbortSignal; context?: Uint8Array } = {},
  ): Promise<void> {
    const maxLag = options.maxLag ?? 0;
    const tickMs = this.tickMs();
    const timeoutMs = options.timeoutMs ?? 10 * this.node.options.electionTicks * tickMs;
    const started = this.opts.clock.now();
    for (;;) {
      if (this.stopped) throw new ServerStoppedError();
      if (options.signal?.aborted) throw abortReason(options.signal);
      const status = this.node.status();
      if (status.role !== 'leader') throw this.notLeader('only the leader promotes learners');
      const peer = status.peers.find((p) => p.id === id);
      if (!peer || !peer.isLearner)
        throw new InvalidConfigChangeError(`${id} is not a learner of this cluster`);
      if (peer.match >= status.lastIndex - maxLag) break;
      if (this.opts.clock.now() - started >= timeoutMs) {
        throw new LearnerNotCaughtUpError(id, peer.match, status.lastIndex, timeoutMs);
      }
      await new Promise<void>((resolve) => this.opts.clock.setTimeout(resolve, tickMs));
    }
    return this.changeConfig({ type: 'add-voter', id, context: options.context });
  }

  removeServer(id: NodeId, context?: Uint8Array): Promise<void> {
    return this.changeConfig({ type: 'remove', id, context });
  }

  /** Hands leadership to `target`; resolves when this server sees `target` as leader. */
  transferLeadership(target: NodeId): Promise<void> {
    if (this.stopped) return Promise.reject(new ServerStoppedError());
    const res = this.node.transferLeadership(target);
    if (!res.ok) return Promise.reject(this.proposeError(res));
    this.kick();
    if (this.node.leader === target) return Promise.resolve();
    const timeoutMs = 2 * this.node.options.electionTicks * this.tickMs();
    return new Promise<void>((resolve, reject) => {
      const off = this.events.on('leaderChange', ({ leader }) => {
        if (leader !== target) return;
        off();
        timer.cancel();
        resolve();
      });
      const timer = this.opts.clock.setTimeout(() => {
        off();
        reject(new TransferTimeoutError(target, timeoutMs));
      }, timeoutMs);
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.ticker?.cancel();
    // Let the Ready loop and any snapshot write finish, so storage can be closed right after. The
    // apply loop is not awaited: it stops after the state machine's current call, whatever it takes.
    await this.pumping;
    await this.storageChain;
    await this.opts.transport.close();
    await this.opts.storage.close?.();
    const err = new ServerStoppedError();
    this.proposals.rejectAll(err);
    this.reads.rejectAll(err);
    for (const w of [...this.appliedWaiters]) w.reject(err);
  }

  // ------------------------------------------------------------ proposals

  private changeConfig(change: ConfigChange): Promise<void> {
    return this.enqueue(encodeConfigChange(change), 'config', {}).then(() => undefined);
  }

  private enqueue(
    command: Uint8Array,
    kind: 'normal' | 'config',
    options: ProposeOptions,
  ): Promise<R | undefined> {
    if (this.stopped) return Promise.reject(new ServerStoppedError());
    if (options.signal?.aborted) {
      return Promise.reject(new ProposalAbortedError(null, null, options.signal.reason));
    }
    const { pending, promise } = this.proposals.create(command, kind, {
      timeoutMs: options.timeoutMs ?? this.proposalTimeoutMs(),
      signal: options.signal,
      leaderOnly: options.leaderOnly,
    });
    this.queuedProposals.push(pending);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flushProposals());
    }
    return promise;
  }

  /** Everything proposed in this turn of the event loop goes into the log (or to the leader) at once. */
  private flushProposals(): void {
    this.flushScheduled = false;
    const batch = this.queuedProposals.filter((p) => !p.settled);
    this.queuedProposals = [];
    if (batch.length === 0 || this.stopped) return;
    let normals: PendingProposal<R>[] = [];
    for (const p of batch) {
      if (p.kind === 'normal') {
        normals.push(p);
        continue;
      }
      this.submit(normals);
      normals = [];
      this.submit([p]);
    }
    this.submit(normals);
    this.kick();
  }

  private submit(batch: PendingProposal<R>[]): void {
    if (batch.length === 0) return;
    if (this.node.role === 'leader' || !this.forwardingEnabled()) {
      const res =
        batch[0].kind === 'config'
          ? this.node.proposeConfigChange(decodeChange(batch[0].command))
          : this.node.proposeBatch(batch.map((p) => p.command));
      this.placeBatch(batch, res);
      return;
    }
    if (batch.some((p) => p.leaderOnly)) {
      const err = this.notLeader();
      for (const p of batch) if (p.leaderOnly) p.reject(err);
      batch = batch.filter((p) => !p.leaderOnly);
      if (batch.length === 0) return;
    }
    const id = this.forwardSeq++;
    const commands: ForwardedCommand[] = batch.map((p) => ({ kind: p.kind, data: p.command }));
    if (!this.node.forwardProposal(id, commands)) {
      const err = this.notLeader();
      for (const p of batch) p.reject(err);
      return;
    }
    this.forwarded.set(id, batch);
  }

  private placeBatch(batch: readonly PendingProposal<R>[], res: ProposeResult): void {
    if (!res.ok) {
      const err = this.proposeError(res);
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, k) => this.proposals.place(p, res.index + k, res.term));
  }

  private onForwardedResults(results: readonly ForwardedProposalResult[]): void {
    for (const r of results) {
      const batch = this.forwarded.get(r.id);
      if (!batch) continue;
      this.forwarded.delete(r.id);
      const res: ProposeResult =
        r.reject === ''
          ? { ok: true, index: r.index, term: r.term }
          : {
              ok: false,
              reason: r.reject as Extract<ProposeResult, { ok: false }>['reason'],
              leader: this.node.leader,
            };
      this.placeBatch(batch, res);
    }
  }

  private proposeError(res: Extract<ProposeResult, { ok: false }>): Error {
    switch (res.reason) {
      case 'transferring':
        return new LeadershipTransferInProgressError(null);
      case 'config-pending':
        return new ConfigChangePendingError();
      case 'invalid-config':
        return new InvalidConfigChangeError(res.detail ?? 'rejected by the leader');
      case 'overloaded':
        return new OverloadedError(this.node.options.maxUncommittedBytes);
      default:
        return this.notLeader();
    }
  }

  private notLeader(reason?: string): NotLeaderError {
    const leader = this.node.leader;
    return new NotLeaderError(leader, reason, leader ? this.opts.addressOf?.(leader) : undefined);
  }

  private requestReadIndex(context: string): Error | null {
    if (this.stopped) return new ServerStoppedError();
    if (this.node.role === 'leader') {
      const res = this.node.readIndex(context);
      if (!res.ok) return this.notLeader();
    } else if (!this.forwardingEnabled() || !this.node.forwardReadIndex(context)) {
      return this.notLeader();
    }
    this.kick();
    return null;
  }

  // ------------------------------------------------------------ the Ready loop

  private kick(): void {
    if (this.running || this.stopped || this.failure) return;
    this.running = true;
    this.pumping = this.pump()
      .catch((e: unknown) => this.fatal(e))
      .finally(() => {
        this.running = false;
        // A message or proposal that arrived after the pump's last look, while its promise was
        // settling, found it still running: pick it up now rather than at the next tick.
        if (!this.stopped && !this.failure && this.node.hasReady()) this.kick();
      });
  }

  private async pump(): Promise<void> {
    while (!this.stopped && this.node.hasReady()) {
      const rd = this.node.ready();
      if (rd.sendBeforePersist) this.send(rd);
      // Committed entries are durable on a quorum already: apply them while this Ready's own write
      // is in flight (as etcd does), so a commit does not also wait for the next fsync.
      if (rd.snapshot) this.applyQueue.push({ snapshot: rd.snapshot });
      if (rd.committedEntries.length > 0) this.applyQueue.push({ entries: rd.committedEntries });
      this.kickApplier();
      if (rd.snapshot || rd.entries.length > 0 || rd.hardState) {
        const update = { snapshot: rd.snapshot, entries: rd.entries, hardState: rd.hardState };
        await this.withStorage(() => this.opts.storage.save(update));
      }
      if (this.stopped) return;
      if (!rd.sendBeforePersist) this.send(rd);
      this.node.markPersisted(rd);
      this.onForwardedResults(rd.forwardedProposals);
      for (const rs of rd.readStates) this.reads.confirmed(rs.context, rs.index);
      for (const ctx of rd.droppedReads)
        this.reads.failed(ctx, this.notLeader('leadership changed during the read'));
      this.emitStateChanges(rd);
    }
  }

  private send(rd: Ready): void {
    for (const m of rd.messages) this.opts.transport.send(m);
  }

  private withStorage(op: () => Promise<void>): Promise<void> {
    const run = this.storageChain.then(op);
    this.storageChain = run.catch(() => undefined);
    return run;
  }

  private emitStateChanges(rd: Ready): void {
    const ss = rd.softState;
    if (!ss) return;
    this.events.emit('roleChange', { role: ss.role, term: this.node.term });
    this.events.emit('leaderChange', { leader: ss.leader, term: this.node.term });
  }

  // ------------------------------------------------------------ the apply loop

  private kickApplier(): void {
    if (this.applying || this.stopped || this.failure || this.applyQueue.length === 0) return;
    this.applying = this.applyLoop()
      .catch((e: unknown) => this.fatal(e))
      .finally(() => {
        this.applying = undefined;
        this.kickApplier();
      });
  }

  private async applyLoop(): Promise<void> {
    while (!this.stopped && this.applyQueue.length > 0) {
      const item = this.applyQueue.shift() as ApplyItem;
      if ('snapshot' in item) await this.restore(item.snapshot);
      else await this.applyEntries(item.entries);
      if (this.stopped) return;
      this.afterApply();
      await this.maybeSnapshot();
    }
  }

  private async restore(snap: Snapshot): Promise<void> {
    await this.opts.stateMachine.restore(snap.data);
    this.applied = Math.max(this.applied, snap.meta.index);
    this.lastSnapshotIndex = Math.max(this.lastSnapshotIndex, snap.meta.index);
    this.proposals.forgetUpTo(snap.meta.index);
    this.proposals.coveredBySnapshot(snap.meta.index);
  }

  private async applyEntries(entries: readonly Entry[]): Promise<void> {
    const sm = this.opts.stateMachine;
    for (const e of entries) {
      if (e.index <= this.applied) continue;
      let result: R | undefined;
      if (e.kind === 'normal') {
        result = await sm.apply(e.data, e.index);
      } else if (e.kind === 'config') {
        // The core applies the change first, so the state machine sees the membership after it.
        this.node.markApplied(e.index);
        await sm.applyConfigChange?.(decodeConfigEntry(e.data), e.index, this.node.membership.toConfig());
      }
      if (this.stopped) return;
      this.applied = e.index;
      this.proposals.applied(e, result);
      this.events.emit('applied', { index: e.index });
    }
    if (this.applied > this.node.log.applied && this.applied <= this.node.log.applying) {
      this.node.markApplied(this.applied);
    }
  }

  private afterApply(): void {
    for (const w of [...this.appliedWaiters]) if (w.index <= this.applied) w.resolve();
    const noop = this.node.leaderNoopIndex();
    if (noop > 0 && this.applied >= noop && this.readyTerm !== this.node.term) {
      this.readyTerm = this.node.term;
      this.events.emit('leaderReady', { term: this.node.term });
    }
    // Applying may unblock committed entries held back by back-pressure, or a pending config change.
    this.kick();
  }

  /** Runs in the apply loop, so the state machine does not move while `snapshot()` is awaited. */
  private async maybeSnapshot(): Promise<void> {
    const threshold = this.opts.snapshotThreshold ?? 1000;
    if (threshold <= 0 || this.applied - this.lastSnapshotIndex < threshold) return;
    // Entries may be applied before this node's own write of them completes; the log can only be
    // compacted up to what is durable here, so wait for it.
    if (this.applied > this.node.log.stable) return;
    const index = this.applied;
    const data = await this.opts.stateMachine.snapshot();
    if (this.stopped) return;
    const trailing = this.opts.snapshotTrailing ?? 100;
    this.lastSnapshotIndex = index;
    // Null when a snapshot from the leader, installed meanwhile, already covers `index`.
    const snap = this.node.compact(index, data, trailing);
    if (!snap) return;
    const compactTo = Math.max(0, index - trailing);
    await this.withStorage(async () => {
      await this.opts.storage.saveSnapshot(snap);
      if (compactTo > 0) await this.opts.storage.compact(compactTo);
    });
  }

  // ------------------------------------------------------------ helpers

  private tickMs(): number {
    return this.opts.tickMs ?? 100;
  }

  private proposalTimeoutMs(): number {
    return this.opts.proposalTimeoutMs ?? 10 * this.node.options.electionTicks * this.tickMs();
  }

  private forwardingEnabled(): boolean {
    return this.opts.forwarding ?? true;
  }

  private fatal(e: unknown): void {
    this.failure = e instanceof Error ? e : new Error(String(e));
    this.events.emit('error', this.failure);
    void this.stop();
  }
}

function decodeChange(data: Uint8Array): ConfigChange {
  const entry = decodeConfigEntry(data);
  if (entry.type === 'bootstrap') throw new Error('raft: a bootstrap entry cannot be proposed');
  return entry;
}

/** Per-server default seed so that servers do not share election timeouts. */
function hashSeed(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

function abortReason(signal: AbortSignal | undefined): Error {
  const r: unknown = signal?.reason;
  return r instanceof Error ? r : new Error('aborted', { cause: r });
}
