import type { ConfigChange } from '../core/config-change.js';
import type { RaftOptions } from '../core/options.js';
import { RaftNode, type NodeStatus, type ProposeResult } from '../core/raft-node.js';
import type { Ready } from '../core/ready.js';
import { createRng, type Rng } from '../core/rng.js';
import type { Entry, MembershipConfig, NodeId, Role } from '../core/types.js';
import type { Clock, TimerHandle } from '../interfaces/clock.js';
import type { StateMachine } from '../interfaces/state-machine.js';
import type { Storage } from '../interfaces/storage.js';
import type { Transport } from '../interfaces/transport.js';
import {
  ApplyTimeoutError,
  LearnerNotCaughtUpError,
  NotLeaderError,
  ProposalAbortedError,
  ProposalDroppedError,
  ProposalTimeoutError,
  ServerStoppedError,
} from './errors.js';
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
   * Default deadline of `propose` and membership changes, in ms (default: 10 election timeouts,
   * 10 s with the defaults; 0 = wait forever).
   */
  readonly proposalTimeoutMs?: number;
}

export interface ProposeOptions {
  /** Reject with ProposalTimeoutError if not applied within this many ms (default: `proposalTimeoutMs`). */
  readonly timeoutMs?: number;
  /** Reject with ProposalAbortedError when aborted. Does not retract an entry already in the log. */
  readonly signal?: AbortSignal;
}

export interface WaitOptions {
  /** Reject with ApplyTimeoutError after this many ms (default: wait forever). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface RaftServerEvents {
  leaderChange: { readonly leader: NodeId | null; readonly term: number };
  roleChange: { readonly role: Role; readonly term: number };
  applied: { readonly index: number };
  error: Error;
}

export interface ServerStatus extends NodeStatus {
  readonly stopped: boolean;
}

interface Waiter<T> {
  readonly index: number;
  readonly term: number;
  resolve(v: T): void;
  reject(e: Error): void;
}

interface PendingRead {
  resolve(index: number): void;
  reject(e: Error): void;
}

/**
 * Drives a RaftNode with real I/O: ticks from a Clock, messages via a Transport, durability via
 * Storage, commands applied to a StateMachine. Ready batches are processed strictly one at a time:
 * persist, then send, then apply, then advance.
 */
export class RaftServer<R = unknown> {
  readonly events = new TypedEmitter<RaftServerEvents>();
  private readonly proposals = new Map<number, Waiter<R | undefined>>();
  private readonly reads = new Map<string, PendingRead>();
  private readonly appliedWaiters: { index: number; resolve(): void; reject(e: Error): void }[] = [];
  private readSeq = 0;
  private running = false;
  private stopped = false;
  /** The Ready-processing loop in progress, if any; stop() waits for it. */
  private pumping: Promise<void> | undefined;
  private ticker: TimerHandle | null = null;
  private applied: number;
  private lastSnapshotIndex: number;
  private failure: Error | null = null;

  private constructor(
    private readonly opts: RaftServerOptions<R>,
    private readonly node: RaftNode,
  ) {
    this.applied = node.log.applied;
    this.lastSnapshotIndex = node.log.snapshotIndex;
  }

  /** Loads persisted state, restores the state machine from the latest snapshot and starts ticking. */
  static async start<R>(opts: RaftServerOptions<R>): Promise<RaftServer<R>> {
    const persisted = await opts.storage.load();
    if (persisted.snapshot) await opts.stateMachine.restore(persisted.snapshot.data);
    const node = new RaftNode({
      options: { ...opts.raft, id: opts.id },
      rng: opts.rng ?? createRng(hashSeed(opts.id)),
      bootstrap: opts.bootstrap,
      restored: persisted,
    });
    const server = new RaftServer(opts, node);
    opts.transport.listen((m) => {
      if (server.stopped) return;
      server.node.step(m);
      server.kick();
    });
    server.ticker = opts.clock.setInterval(() => {
      if (server.stopped) return;
      server.node.tick();
      server.kick();
    }, opts.tickMs ?? 100);
    server.kick();
    return server;
  }

  get id(): NodeId {
    return this.node.id;
  }

  status(): ServerStatus {
    return { ...this.node.status(), appliedIndex: this.applied, stopped: this.stopped };
  }

  isLeader(): boolean {
    return this.node.role === 'leader';
  }

  /**
   * Replicates `command`; resolves with the state machine's result once applied here. Rejects with
   * NotLeaderError (not the leader; `.leader` is a hint), ProposalDroppedError (a new leader
   * overwrote the entry: never applied), ProposalTimeoutError / ProposalAbortedError (outcome
   * unknown) or ServerStoppedError.
   */
  propose(command: Uint8Array, options: ProposeOptions = {}): Promise<R | undefined> {
    if (options.signal?.aborted) {
      return Promise.reject(new ProposalAbortedError(null, null, options.signal.reason));
    }
    return this.track(this.node.propose(command), options);
  }

  /** Confirms leadership with a quorum and returns an index; reads are linearizable once applied >= it. */
  readIndex(): Promise<number> {
    if (this.stopped) return Promise.reject(new ServerStoppedError());
    const ctx = `${this.id}/${this.readSeq++}`;
    const res = this.node.readIndex(ctx);
    if (!res.ok) return Promise.reject(new NotLeaderError(res.leader));
    const p = new Promise<number>((resolve, reject) => this.reads.set(ctx, { resolve, reject }));
    this.kick();
    return p;
  }

  /**
   * Leader only: resolves when a read of the local state machine would be linearizable. Followers
   * reject with NotLeaderError carrying the leader hint; to read on a follower, get `readIndex()`
   * from the leader (over the application's own RPC), then `waitApplied(index)` here.
   */
  async linearizableRead(options: WaitOptions = {}): Promise<void> {
    const index = await this.readIndex();
    await this.waitApplied(index, options);
  }

  /**
   * Resolves once this server applied `index` (e.g. a read index obtained from the leader): a read
   * of the local state machine then reflects every write committed before that index.
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
        const k = this.appliedWaiters.indexOf(w);
        if (k >= 0) this.appliedWaiters.splice(k, 1);
      };
      const w = {
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
      this.appliedWaiters.push(w);
    });
  }

  addVoter(id: NodeId): Promise<void> {
    return this.changeConfig({ type: 'add-voter', id });
  }

  addLearner(id: NodeId): Promise<void> {
    return this.changeConfig({ type: 'add-learner', id });
  }

  /**
   * Learner -> voter, once the learner has caught up: its match index is within `maxLag` entries
   * of the leader's last index (default 0). Promoting a lagging learner would make it a voter that
   * cannot help commit, lowering availability; this waits up to `timeoutMs` (default 10 election
   * timeouts) and then rejects with LearnerNotCaughtUpError, leaving the learner as it was.
   */
  async promote(
    id: NodeId,
    options: { maxLag?: number; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<void> {
    const maxLag = options.maxLag ?? 0;
    const tickMs = this.opts.tickMs ?? 100;
    const timeoutMs = options.timeoutMs ?? 10 * this.node.options.electionTicks * tickMs;
    const started = this.opts.clock.now();
    for (;;) {
      if (this.stopped) throw new ServerStoppedError();
      if (options.signal?.aborted) throw abortReason(options.signal);
      const status = this.node.status();
      if (status.role !== 'leader')
        throw new NotLeaderError(status.leader, 'only the leader promotes learners');
      const peer = status.peers.find((p) => p.id === id);
      if (!peer || !peer.isLearner)
        throw new Error(`cannot promote ${id}: it is not a learner of this cluster`);
      if (peer.match >= status.lastIndex - maxLag) break;
      if (this.opts.clock.now() - started >= timeoutMs) {
        throw new LearnerNotCaughtUpError(id, peer.match, status.lastIndex, timeoutMs);
      }
      await new Promise<void>((resolve) => this.opts.clock.setTimeout(resolve, tickMs));
    }
    return this.changeConfig({ type: 'add-voter', id });
  }

  removeServer(id: NodeId): Promise<void> {
    return this.changeConfig({ type: 'remove', id });
  }

  /** Hands leadership to `target`; resolves when this server sees `target` as leader. */
  transferLeadership(target: NodeId): Promise<void> {
    if (this.stopped) return Promise.reject(new ServerStoppedError());
    const res = this.node.transferLeadership(target);
    if (!res.ok) return Promise.reject(new NotLeaderError(res.leader, res.detail ?? res.reason));
    this.kick();
    const timeoutMs = 2 * this.node.options.electionTicks * (this.opts.tickMs ?? 100);
    return new Promise<void>((resolve, reject) => {
      const off = this.events.on('leaderChange', ({ leader }) => {
        if (leader !== target) return;
        off();
        timer.cancel();
        resolve();
      });
      const timer = this.opts.clock.setTimeout(() => {
        off();
        reject(new Error(`leadership transfer to ${target} timed out`));
      }, timeoutMs);
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.ticker?.cancel();
    // Let the Ready being processed finish its writes, so storage can be closed right after stop().
    await this.pumping;
    await this.opts.transport.close();
    await this.opts.storage.close?.();
    const err = new ServerStoppedError();
    for (const w of [...this.proposals.values()]) w.reject(err);
    for (const r of this.reads.values()) r.reject(err);
    for (const w of [...this.appliedWaiters]) w.reject(err);
    this.proposals.clear();
    this.reads.clear();
  }

  // ------------------------------------------------------------ internals

  private changeConfig(change: ConfigChange): Promise<void> {
    return this.track(this.node.proposeConfigChange(change), {}).then(() => undefined);
  }

  /** Waits until the entry at res.index is applied, overwritten, timed out or aborted. */
  private track(res: ProposeResult, options: ProposeOptions): Promise<R | undefined> {
    if (this.stopped) return Promise.reject(new ServerStoppedError());
    if (!res.ok) return Promise.reject(new NotLeaderError(res.leader, res.detail ?? res.reason));
    const { index, term } = res;
    const ms =
      options.timeoutMs ??
      this.opts.proposalTimeoutMs ??
      10 * this.node.options.electionTicks * (this.opts.tickMs ?? 100);
    const { signal } = options;
    const p = new Promise<R | undefined>((resolve, reject) => {
      const settle = (): void => {
        if (this.proposals.get(index) === w) this.proposals.delete(index);
        timer?.cancel();
        signal?.removeEventListener('abort', onAbort);
      };
      const w: Waiter<R | undefined> = {
        index,
        term,
        resolve: (v) => {
          settle();
          resolve(v);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      };
      const onAbort = (): void => w.reject(new ProposalAbortedError(index, term, signal?.reason));
      const onTimeout = (): void => {
        const leaderLost = this.node.role !== 'leader' || this.node.term !== term;
        w.reject(new ProposalTimeoutError(index, term, ms, leaderLost));
      };
      const timer = ms > 0 ? this.opts.clock.setTimeout(onTimeout, ms) : null;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.proposals.set(index, w);
    });
    this.kick();
    return p;
  }

  private kick(): void {
    if (this.running || this.stopped || this.failure) return;
    this.running = true;
    this.pumping = this.pump()
      .catch((e: unknown) => this.fatal(e))
      .finally(() => {
        this.running = false;
      });
  }

  private async pump(): Promise<void> {
    while (!this.stopped && this.node.hasReady()) {
      const rd = this.node.ready();
      await this.persist(rd);
      this.dropOverwrittenProposals(rd.entries);
      for (const m of rd.messages) this.opts.transport.send(m);
      if (rd.snapshot) {
        await this.opts.stateMachine.restore(rd.snapshot.data);
        this.applied = rd.snapshot.meta.index;
        this.lastSnapshotIndex = rd.snapshot.meta.index;
        this.abandonProposalsUpTo(rd.snapshot.meta.index);
      }
      for (const e of rd.committedEntries) await this.apply(e);
      this.node.advance(rd);
      this.deliverReads(rd);
      this.emitStateChanges(rd);
      this.releaseAppliedWaiters();
      await this.maybeSnapshot();
    }
  }

  private async persist(rd: Ready): Promise<void> {
    const s = this.opts.storage;
    if (rd.snapshot) await s.installSnapshot(rd.snapshot);
    if (rd.entries.length > 0) await s.append(rd.entries);
    if (rd.hardState) await s.setHardState(rd.hardState);
  }

  private async apply(e: Entry): Promise<void> {
    if (e.index <= this.applied) return;
    const waiter = this.proposals.get(e.index);
    const mine = waiter !== undefined && waiter.term === e.term;
    if (waiter && !mine) waiter.reject(new ProposalDroppedError(e.index, waiter.term));
    let result: R | undefined;
    if (e.kind === 'normal') result = await this.opts.stateMachine.apply(e.data, e.index);
    this.applied = e.index;
    if (mine) waiter.resolve(result);
    this.events.emit('applied', { index: e.index });
  }

  /**
   * `entries` replace the log from entries[0].index on: a waiting proposal at or after that index
   * whose (index, term) is not among them was overwritten by a new leader and will never apply.
   */
  private dropOverwrittenProposals(entries: readonly Entry[]): void {
    if (entries.length === 0 || this.proposals.size === 0) return;
    const first = entries[0].index;
    for (const w of [...this.proposals.values()]) {
      if (w.index < first) continue;
      const e = w.index - first < entries.length ? entries[w.index - first] : undefined;
      if (!e || e.term !== w.term) w.reject(new ProposalDroppedError(w.index, w.term));
    }
  }

  /** Proposals covered by an installed snapshot: whether they were applied cannot be told. */
  private abandonProposalsUpTo(index: number): void {
    for (const [i, w] of this.proposals) {
      if (i > index) continue;
      this.proposals.delete(i);
      w.reject(new Error(`outcome of proposal at index ${i} unknown: replaced by a snapshot`));
    }
  }

  private deliverReads(rd: Ready): void {
    for (const rs of rd.readStates) {
      const r = this.reads.get(rs.context);
      this.reads.delete(rs.context);
      r?.resolve(rs.index);
    }
    for (const ctx of rd.droppedReads) {
      const r = this.reads.get(ctx);
      this.reads.delete(ctx);
      r?.reject(new NotLeaderError(this.node.leader, 'leadership lost during read'));
    }
  }

  private emitStateChanges(rd: Ready): void {
    const ss = rd.softState;
    if (!ss) return;
    this.events.emit('roleChange', { role: ss.role, term: this.node.term });
    this.events.emit('leaderChange', { leader: ss.leader, term: this.node.term });
  }

  private releaseAppliedWaiters(): void {
    for (let i = this.appliedWaiters.length - 1; i >= 0; i--) {
      const w = this.appliedWaiters[i];
      if (w.index <= this.applied) {
        this.appliedWaiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  private async maybeSnapshot(): Promise<void> {
    const threshold = this.opts.snapshotThreshold ?? 1000;
    if (threshold <= 0 || this.applied - this.lastSnapshotIndex < threshold) return;
    const index = this.applied;
    const data = await this.opts.stateMachine.snapshot();
    const trailing = this.opts.snapshotTrailing ?? 100;
    const snap = this.node.compact(index, data, trailing);
    await this.opts.storage.saveSnapshot(snap);
    const compactTo = Math.max(0, index - trailing);
    if (compactTo > 0) await this.opts.storage.compact(compactTo);
    this.lastSnapshotIndex = index;
  }

  private fatal(e: unknown): void {
    this.failure = e instanceof Error ? e : new Error(String(e));
    this.events.emit('error', this.failure);
    void this.stop();
  }
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
