import type { RaftNode } from '../../core/raft-node.js';
import { createRng, type Rng } from '../../core/rng.js';
import type { Entry, NodeId, Snapshot } from '../../core/types.js';
import type { StateMachine } from '../../interfaces/state-machine.js';
import { RaftServer } from '../../server/raft-server.js';
import { SafetyChecker } from '../safety-checker.js';
import { Scheduler } from '../scheduler.js';
import { SimNetwork } from '../sim-network.js';
import { TraceHash } from '../trace-hash.js';
import { AppliedHistory } from './applied-history.js';
import { DelayedStorage, type IssuedWrite } from './delayed-storage.js';
import { DurabilityChecker } from './durability-checker.js';
import { LogMatchingChecker } from './log-matching.js';
import { drainMicrotasks, type DrainMode } from './microtask-drain.js';
import { ProposalLedger } from './proposal-ledger.js';
import {
  commandItem,
  RecordingStateMachine,
  type StateMachineObserver,
  type StateMachineTiming,
} from './recording-state-machine.js';
import { SafetyObserver } from './safety-observer.js';
import type {
  CrashInjection,
  DiskProfile,
  ServerSimOptions,
  ServerSimStats,
  StateMachineProfile,
} from './server-sim-types.js';
import { SimClock } from './sim-clock.js';
import { SimDisk } from './sim-disk.js';
import { SnapshotRegistry } from './snapshot-registry.js';
import { SimTransportHub, type SimTransport } from './sim-transport.js';

const DEFAULT_DISK: DiskProfile = { minMs: 0, maxMs: 4, stallChance: 0.02, stallMs: 30 };
const SYNC_STATE_MACHINE: StateMachineProfile = {
  asyncChance: 0,
  applyMaxMs: 0,
  snapshotMaxMs: 0,
  restoreMaxMs: 0,
};
/** A typical seed needs about 1,500 events; far more means runaway work, reported as a failure. */
const DEFAULT_MAX_EVENTS = 200_000;
/** A graceful stop() that takes longer than this is reported as hung. */
const STOP_DEADLINE_MS = 10_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * `up`: serving. `starting`: RaftServer.start() pending. `stopping`: stop() pending. `down`: crashed,
 * or stopped (then its parts stay as a "zombie" until the next boot, so late activity is caught).
 */
type Phase = 'down' | 'starting' | 'up' | 'stopping';

interface Incarnation {
  readonly clock: SimClock;
  readonly storage: DelayedStorage;
  readonly transport: SimTransport;
  readonly sm: RecordingStateMachine;
  /** Resolves when this incarnation crashes or has stopped: callers waiting on it give up. */
  readonly gone: Promise<void>;
  leave(): void;
}

interface Slot {
  readonly index: number;
  readonly id: NodeId;
  /** The durable medium: survives crashes. */
  readonly disk: SimDisk;
  readonly tickMs: number;
  readonly initialVoter: boolean;
  /** Bumped at every crash, stop and boot; callbacks of older incarnations check it and stay silent. */
  epoch: number;
  phase: Phase;
  server: RaftServer<unknown> | null;
  inc: Incarnation | null;
}

type Settled<T> = { kind: 'ok'; value: T } | { kind: 'error'; error: unknown } | { kind: 'gone' };

export interface ProposalResult {
  readonly outcome: 'applied' | 'dropped' | 'failed' | 'lost' | 'not-sent';
  readonly index: number;
  /** What `propose` resolved with: the index, or the application's answer when one runs. */
  readonly value?: unknown;
  /** The rejection's error name, and the error itself. */
  readonly error?: string;
  readonly cause?: unknown;
}

/** How a linearizable read at one server ended; `ok`: its application may now be read. */
export type ReadBarrierResult =
  | { readonly kind: 'ok'; readonly application: StateMachine<unknown> | undefined }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'gone' }
  | { readonly kind: 'not-sent' };

export class ServerSimFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerSimFailure';
  }
}

export function slotId(i: number): NodeId {
  return `s${i}`;
}

/**
 * A cluster of real RaftServer instances under the deterministic simulator: virtual clocks on one
 * discrete-event scheduler, storage whose writes complete after seeded delays (and can be torn by
 * crashes), a lossy/partitionable network, and state machines that may answer later. Between two
 * events all promise continuations settle; after each event the safety invariants are checked.
 */
export class ServerSimCluster {
  readonly n: number;
  private readonly sched = new Scheduler();
  /** Faults, crash points, restarts. */
  private readonly rng: Rng;
  private readonly diskRng: Rng;
  private readonly smRng: Rng;
  private readonly net: SimNetwork;
  private readonly hub: SimTransportHub;
  private readonly slots: Slot[] = [];
  private readonly checker = new SafetyChecker();
  private readonly observer: SafetyObserver;
  private readonly logMatching = new LogMatchingChecker();
  private readonly durability: DurabilityChecker;
  private readonly history: AppliedHistory;
  private readonly ledger: ProposalLedger;
  private readonly trace = new TraceHash();
  private readonly snapshots: SnapshotRegistry;
  private readonly drainMode: DrainMode;
  private readonly disk: DiskProfile;
  private readonly smProfile: StateMachineProfile;
  private injection: CrashInjection | null = null;
  private failure: string | null = null;
  private counters = {
    events: 0,
    crashes: 0,
    tornWrites: 0,
    writes: 0,
    applies: 0,
    snapshots: 0,
    elections: 0,
    reads: 0,
  };

  constructor(private readonly opts: ServerSimOptions) {
    if (opts.servers < 1) throw new Error('server sim: need at least one server');
    this.n = opts.servers;
    const root = createRng(opts.seed * 2654435761 + 17);
    this.rng = createRng(root.int(2 ** 31));
    this.diskRng = createRng(root.int(2 ** 31));
    this.smRng = createRng(root.int(2 ** 31));
    this.net = new SimNetwork(this.n, createRng(root.int(2 ** 31)));
    this.net.settings.reliable = opts.reliable ?? true;
    this.drainMode = opts.drain ?? 'tick';
    this.disk = opts.disk ?? DEFAULT_DISK;
    this.smProfile = opts.stateMachine ?? SYNC_STATE_MACHINE;
    this.history = new AppliedHistory((m) => this.fail(m));
    // Snapshot sizes vary so that chunked InstallSnapshot sends one to many chunks.
    this.snapshots = new SnapshotRegistry(() => this.smRng.int(1200));
    this.ledger = new ProposalLedger(this.history, (m) => this.fail(m));
    this.observer = new SafetyObserver(this.checker, this.n, {
      onNewLeader: (i, term) => this.onNewLeader(i, term),
      onLeaderCommit: (i, node, votersBefore) => {
        const v = this.durability.checkCommit(i, node, votersBefore);
        if (v) this.fail(v);
      },
    });
    this.hub = new SimTransportHub(this.sched, this.net, (id) => this.indexOf(id), {
      onSend: (from, to, m, ok) => {
        this.note(`${ok ? 'send' : 'drop'} ${m.type} ${from}>${to} ${m.term}`);
        if ((m.type === 'vote-resp' && m.granted) || (m.type === 'append-resp' && !m.reject)) {
          const v = this.durability.checkAck(from, m);
          if (v) this.fail(v);
          this.onAckSent(from);
        }
      },
      onDeliver: (to, m) => this.note(`recv ${m.type} ${m.from}>${to} t=${this.sched.now}`),
      onMisuse: (msg) => this.fail(`transport: ${msg}`),
    });
    const voters = Math.min(opts.voters ?? this.n, this.n);
    const baseTick = opts.tickMs ?? 100;
    for (let i = 0; i < this.n; i++) {
      this.slots.push({
        index: i,
        id: slotId(i),
        disk: new SimDisk(),
        // Clocks drift apart a little, as real ones do.
        tickMs: Math.max(1, Math.round(baseTick * (0.9 + 0.2 * this.rng.next()))),
        initialVoter: i < voters,
        epoch: 0,
        phase: 'down',
        server: null,
        inc: null,
      });
    }
    this.durability = new DurabilityChecker(
      this.slots.map((s) => s.disk),
      (id) => this.indexOf(id),
      (i, term) => {
        const node = this.slots[i]?.phase === 'up' ? this.nodeOf(this.slots[i]) : null;
        return node?.role === 'leader' && node.term === term ? node : null;
      },
    );
    for (let i = 0; i < this.n; i++) this.boot(i);
  }

  // ---------------------------------------------------------------- driving

  now(): number {
    return this.sched.now;
  }

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => this.sched.after(Math.max(0, ms), resolve));
  }

  /**
   * Runs `scenario` on virtual time: one scheduler event at a time; after each, every promise
   * continuation settles and the invariants are checked. Throws ServerSimFailure on a violation.
   */
  async run<T>(scenario: () => Promise<T>): Promise<T> {
    let settled = null as Settled<T> | null;
    scenario().then(
      (value) => (settled = { kind: 'ok', value }),
      (error: unknown) => (settled = { kind: 'error', error }),
    );
    await drainMicrotasks(this.drainMode);
    this.check();
    const budget = this.opts.maxEvents ?? DEFAULT_MAX_EVENTS;
    while (settled === null && this.failure === null) {
      const ev = this.sched.pop();
      if (!ev) {
        this.fail('sim: no events left while the scenario still waits');
        break;
      }
      if (++this.counters.events > budget) {
        this.fail(`sim: more than ${budget} events at t=${this.sched.now} (a message storm or a busy loop?)`);
        break;
      }
      try {
        ev.fn();
      } catch (e) {
        this.fail(
          `exception at t=${this.sched.now}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        );
        break;
      }
      await drainMicrotasks(this.drainMode);
      this.check();
    }
    if (this.failure !== null) throw new ServerSimFailure(this.failure);
    const s = settled as Settled<T> | null;
    if (s?.kind === 'ok') return s.value;
    throw s?.kind === 'error' ? s.error : new Error('sim: scenario did not settle');
  }

  /** Adds a line to the trace hash (and to the optional event log). */
  private note(line: string): void {
    this.trace.add(line);
    this.opts.eventLog?.(line);
  }

  /** Records the first violation; the run stops after the current event. */
  fail(message: string): void {
    if (this.failure !== null) return;
    this.failure = message;
    this.note(`FAIL ${message}`);
  }

  private check(): void {
    if (this.failure !== null) return;
    const nodes = this.slots.map((s) => (s.phase === 'up' || s.phase === 'stopping' ? this.nodeOf(s) : null));
    this.observer.observe(nodes);
    const v = this.checker.violation ?? this.observer.violation;
    if (v !== null) this.fail(v);
  }

  private nodeOf(s: Slot): RaftNode | null {
    return s.server?.debugNode() ?? null;
  }

  // ---------------------------------------------------------------- servers

  private indexOf(id: NodeId): number {
    return id.length > 1 && id[0] === 's' ? Number(id.slice(1)) : -1;
  }

  isUp(i: number): boolean {
    return this.slots[i].phase === 'up';
  }

  upServers(): number[] {
    return this.slots.filter((s) => s.phase === 'up').map((s) => s.index);
  }

  downCount(): number {
    return this.slots.filter((s) => s.phase === 'down').length;
  }

  /** The live leader with the highest term, or -1. */
  leader(): number {
    let best = -1;
    let term = -1;
    for (const s of this.slots) {
      const node = s.phase === 'up' ? this.nodeOf(s) : null;
      if (node?.role === 'leader' && node.term > term) {
        best = s.index;
        term = node.term;
      }
    }
    return best;
  }

  status(i: number): ReturnType<RaftServer<unknown>['status']> | null {
    const s = this.slots[i];
    return s.phase === 'up' ? (s.server?.status() ?? null) : null;
  }

  /** Voters and learners in the leader's applied configuration (empty without a leader). */
  members(): number[] {
    const l = this.leader();
    const st = l >= 0 ? this.status(l) : null;
    if (!st) return [];
    return [...st.membership.voters, ...st.membership.learners]
      .map((id) => this.indexOf(id))
      .sort((a, b) => a - b);
  }

  /** Starts a new incarnation of a down server from its disk. */
  boot(i: number): void {
    const s = this.slots[i];
    if (s.phase !== 'down') return;
    this.bury(s);
    s.epoch++;
    const epoch = s.epoch;
    let leave = (): void => undefined;
    const gone = new Promise<void>((resolve) => (leave = resolve));
    const inc: Incarnation = {
      // A process clock: starts 0-4 ms before the server does, whatever the virtual time.
      clock: new SimClock(this.sched, this.sched.now - this.rng.int(5)),
      storage: new DelayedStorage({
        sched: this.sched,
        disk: s.disk,
        latencyMs: () => this.diskLatency(),
        observer: {
          onIssue: (w, doneAt) => this.onWriteIssued(s, epoch, w, doneAt),
          onDurable: (op) => this.note(`durable ${i} ${op} t=${this.sched.now}`),
          onMisuse: (msg) => this.fail(`storage contract: server ${i}: ${msg}`),
        },
        allowOverlappingWrites: this.opts.allowOverlappingWrites,
      }),
      transport: this.hub.open(i, s.id),
      sm: new RecordingStateMachine(
        i,
        epoch,
        (ms, fn) => this.later(s, epoch, ms, fn),
        this.smTiming(),
        this.smObserver(),
        this.snapshots,
        this.opts.application?.(i),
      ),
      gone,
      leave: () => leave(),
    };
    s.inc = inc;
    s.phase = 'starting';
    this.observer.forget(i);
    this.note(`boot ${i}#${epoch} t=${this.sched.now}`);
    const voters = this.slots.filter((x) => x.initialVoter).map((x) => x.id);
    RaftServer.start<unknown>({
      id: s.id,
      bootstrap: s.initialVoter ? { voters, learners: [] } : undefined,
      storage: inc.storage,
      transport: inc.transport,
      stateMachine: inc.sm,
      clock: inc.clock,
      tickMs: s.tickMs,
      raft: this.opts.raft,
      rng: createRng(this.rng.int(2 ** 31)),
      snapshotThreshold: this.opts.snapshotThreshold ?? 0,
      snapshotTrailing: this.opts.snapshotTrailing ?? 0,
      proposalTimeoutMs: this.opts.proposalTimeoutMs ?? 3000,
      ...this.opts.serverOptions,
    }).then(
      (server) => {
        if (s.epoch !== epoch) return;
        s.server = server;
        s.phase = 'up';
        server.events.on('error', (e) => {
          if (s.epoch === epoch) this.fail(`server ${i} failed: ${e.stack ?? e.message}`);
        });
      },
      (e: unknown) => {
        if (s.epoch === epoch)
          this.fail(`server ${i} did not start: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }

  /**
   * Kills server i at once: writes not yet durable are lost (the one in progress may keep a prefix),
   * timers, deliveries and pending state machine answers of the incarnation never fire again.
   */
  crash(i: number, why = 'crash'): void {
    const s = this.slots[i];
    if (s.phase === 'down' || !s.inc) return;
    const torn = s.inc.storage.crash((parts) =>
      this.rng.next() < (this.injection?.tornWriteChance ?? 0.5) ? this.rng.int(parts + 1) : 0,
    );
    this.bury(s);
    s.epoch++;
    s.phase = 'down';
    s.server = null;
    this.counters.crashes++;
    if (torn && torn.kept > 0) this.counters.tornWrites++;
    const tornText = torn ? ` ${torn.op} kept ${torn.kept}/${torn.parts}` : '';
    this.note(`${why} ${i} t=${this.sched.now}${tornText}`);
  }

  /** Graceful stop(); the stopped incarnation stays a zombie until the next boot, so late writes or applies are caught. */
  async stop(i: number): Promise<string> {
    const s = this.slots[i];
    const server = s.server;
    const inc = s.inc;
    if (s.phase !== 'up' || !server || !inc) return 'not up';
    s.phase = 'stopping';
    const epoch = s.epoch;
    const deadline = this.sleep(STOP_DEADLINE_MS).then(() => 'deadline' as const);
    const r = await Promise.race([settle(server.stop(), inc.gone), deadline]);
    if (s.epoch !== epoch) return 'crashed while stopping';
    if (r === 'deadline') {
      this.fail(`server ${i}: stop() did not finish within ${STOP_DEADLINE_MS} ms`);
      return 'hung';
    }
    if (r.kind === 'error') this.fail(`server ${i}: stop() failed: ${String(r.error)}`);
    s.phase = 'down';
    s.server = null;
    s.epoch++;
    inc.leave();
    this.note(`stopped ${i} t=${this.sched.now}`);
    return 'stopped';
  }

  /** Fences whatever is left of the previous incarnation (a stopped zombie or a crashed one). */
  private bury(s: Slot): void {
    const inc = s.inc;
    if (!inc) return;
    inc.storage.crash(() => 0);
    inc.clock.fence();
    inc.transport.fence();
    inc.leave();
    s.inc = null;
  }

  /** Runs fn later on virtual time unless the incarnation is gone by then. */
  private later(s: Slot, epoch: number, ms: number, fn: () => void): void {
    this.sched.after(ms, () => {
      if (s.epoch === epoch) fn();
    });
  }

  // ---------------------------------------------------------------- storage and state machine hooks

  private diskLatency(): number {
    const d = this.disk;
    const base = d.minMs + this.diskRng.int(Math.max(1, d.maxMs - d.minMs + 1));
    return this.diskRng.next() < d.stallChance ? base + d.stallMs : base;
  }

  private smTiming(): StateMachineTiming {
    const p = this.smProfile;
    const draw = (max: number): number =>
      max > 0 && this.smRng.next() < p.asyncChance ? 1 + this.smRng.int(max) : 0;
    return {
      applyMs: () => draw(p.applyMaxMs),
      snapshotMs: () => draw(p.snapshotMaxMs),
      restoreMs: () => draw(p.restoreMaxMs),
    };
  }

  private onWriteIssued(s: Slot, epoch: number, w: IssuedWrite, doneAt: number): void {
    this.counters.writes++;
    this.note(`write ${s.index} ${w.op} ${w.entries.length} t=${this.sched.now}`);
    if (w.entries.length > 0) {
      const v = this.logMatching.check(s.index, w.prevTerm, w.entries);
      if (v) this.fail(v);
    }
    if (w.snapshot) {
      this.counters.snapshots++;
      this.checkSnapshotData(s.index, w.snapshot);
    }
    const inj = this.injection;
    if (inj?.writeCrashChance && this.rng.next() < inj.writeCrashChance) {
      // Somewhere between issuing the write and its completion.
      const delay = doneAt > this.sched.now ? this.rng.int(doneAt - this.sched.now) : 0;
      this.scheduleCrash(s, epoch, delay, 'write-crash');
    }
  }

  private checkSnapshotData(server: number, snap: Snapshot): void {
    let decoded: ReturnType<SnapshotRegistry['decode']>;
    try {
      decoded = this.snapshots.decode(snap.data);
    } catch (e) {
      this.fail(
        `snapshot: server ${server} wrote damaged snapshot data at index ${snap.meta.index}: ${String(e)}`,
      );
      return;
    }
    const { id, content } = decoded;
    if (content.last > snap.meta.index)
      this.fail(
        `snapshot: server ${server} snapshot at index ${snap.meta.index} covers index ${content.last}`,
      );
    else if (this.snapshots.firstCheck(`${id}@${snap.meta.index}`))
      this.history.checkSnapshot(server, snap.meta.index, content.items);
  }

  private smObserver(): StateMachineObserver {
    return {
      onApply: (sm, index, item, previous) => this.onApply(sm, index, item, previous),
      onRestore: (sm, id) => {
        this.note(`restore ${sm.server} ${sm.lastIndex} t=${this.sched.now}`);
        if (this.snapshots.firstCheck(`restore ${id}`))
          this.history.checkSnapshot(sm.server, sm.lastIndex, sm.state);
      },
      fail: (m) => this.fail(m),
    };
  }

  private onApply(sm: RecordingStateMachine, index: number, item: string, previous: number): void {
    const s = this.slots[sm.server];
    if (s.epoch !== sm.incarnation || s.phase === 'down') {
      this.fail(`server ${sm.server}: ${item} applied at index ${index} after the server stopped or crashed`);
      return;
    }
    this.counters.applies++;
    this.note(`apply ${sm.server} ${index} ${item} t=${this.sched.now}`);
    this.history.record(sm.server, index, item);
    this.ledger.onApplied(item, index);
    const node = s.phase === 'starting' ? null : this.nodeOf(s);
    if (!node) return;
    if (index > node.log.committed) {
      this.fail(`server ${sm.server} applied index ${index} beyond its commit index ${node.log.committed}`);
      return;
    }
    const e = node.log.entryAt(index);
    if (e && !entryHolds(e, item)) {
      this.fail(
        `server ${sm.server} applied ${item} at index ${index}, but its log holds a ${e.kind} entry there`,
      );
      return;
    }
    for (let j = previous + 1; j < index; j++) {
      if (node.log.entryAt(j)?.kind === 'normal') {
        this.fail(
          `server ${sm.server} skipped the command at index ${j} (applied ${previous}, then ${index})`,
        );
        return;
      }
    }
  }

  // ---------------------------------------------------------------- injected crashes

  setCrashInjection(injection: CrashInjection | null): void {
    this.injection = injection;
    this.note(`inject ${JSON.stringify(injection)}`);
  }

  private onNewLeader(i: number, term: number): void {
    this.counters.elections++;
    this.note(`leader ${i} term=${term} t=${this.sched.now}`);
    const inj = this.injection;
    if (!inj?.leaderCrashChance || this.rng.next() >= inj.leaderCrashChance) return;
    const s = this.slots[i];
    this.scheduleCrash(s, s.epoch, this.rng.int((inj.leaderCrashMaxDelayMs ?? 10) + 1), 'leader-crash');
  }

  private onAckSent(i: number): void {
    const inj = this.injection;
    if (!inj?.ackCrashChance || this.rng.next() >= inj.ackCrashChance) return;
    const s = this.slots[i];
    this.scheduleCrash(s, s.epoch, this.rng.int(3), 'ack-crash');
  }

  private scheduleCrash(s: Slot, epoch: number, delay: number, why: string): void {
    this.sched.after(delay, () => {
      const inj = this.injection;
      if (!inj || s.epoch !== epoch || s.phase === 'down') return;
      // Keep a majority of slots running so that the run keeps making progress between crashes.
      if (this.downCount() >= Math.ceil(this.n / 2)) return;
      this.crash(s.index, why);
      const down = s.epoch;
      const restartAfter =
        inj.restartMinMs + this.rng.int(Math.max(1, inj.restartMaxMs - inj.restartMinMs + 1));
      this.sched.after(restartAfter, () => {
        if (s.epoch === down && s.phase === 'down') this.boot(s.index);
      });
    });
  }

  // ---------------------------------------------------------------- network

  disconnect(i: number): void {
    this.net.disconnect(i);
    this.note(`disconnect ${i} t=${this.sched.now}`);
  }

  connect(i: number): void {
    this.net.connect(i);
    this.note(`connect ${i} t=${this.sched.now}`);
  }

  partition(groups: readonly (readonly number[])[]): void {
    this.net.partition(groups);
    this.note(`partition ${JSON.stringify(groups)} t=${this.sched.now}`);
  }

  heal(): void {
    this.net.heal();
    this.note(`heal t=${this.sched.now}`);
  }

  setReliable(on: boolean): void {
    this.net.settings.reliable = on;
    this.note(`reliable ${on}`);
  }

  setLongReordering(on: boolean): void {
    this.net.settings.longReordering = on;
    this.note(`reorder ${on}`);
  }

  // ---------------------------------------------------------------- clients

  /**
   * Proposes `command` at server `target` and records RaftServer's answer in the ledger. Text is
   * sent as UTF-8; bytes (an application's commands) as they are, known to the ledger by their
   * UTF-8 decoding, so they must differ there too (carry a unique text part).
   */
  async propose(target: number, command: string | Uint8Array, timeoutMs?: number): Promise<ProposalResult> {
    const s = this.slots[target];
    const server = s.server;
    const inc = s.inc;
    if (s.phase !== 'up' || !server || !inc) return { outcome: 'not-sent', index: 0 };
    const [name, data] =
      typeof command === 'string' ? [command, encoder.encode(command)] : [decoder.decode(command), command];
    this.ledger.issued(name, target);
    const r = await settle(server.propose(data, { timeoutMs }), inc.gone);
    const answer =
      r.kind === 'ok'
        ? `ok ${inc.sm.application ? this.history.indexOfItem(commandItem(name)) : r.value}`
        : r.kind === 'error'
          ? errorText(r.error)
          : 'gone';
    this.note(`propose ${name}@${target}: ${answer} t=${this.sched.now}`);
    if (r.kind === 'gone') {
      this.ledger.lost(name);
      return { outcome: 'lost', index: 0 };
    }
    if (r.kind === 'ok') {
      const index = this.ledger.applied(name, inc.sm.application ? undefined : r.value, inc.sm.state);
      return { outcome: 'applied', index, value: r.value };
    }
    this.ledger.rejected(name, r.error, inc.sm.state);
    const error = r.error instanceof Error ? r.error.name : String(r.error);
    return {
      outcome: error === 'ProposalDroppedError' ? 'dropped' : 'failed',
      index: 0,
      error,
      cause: r.error,
    };
  }

  /**
   * Membership change or leadership transfer through the current leader, or (add-learner and
   * remove, when clients may use followers) through any live server, which forwards it.
   * Returns a line for the log.
   */
  async reconfigure(
    kind: 'add-learner' | 'promote' | 'remove' | 'transfer',
    target: number,
  ): Promise<string> {
    const viaAny =
      (kind === 'add-learner' || kind === 'remove') && (this.opts.proposeTo ?? 'leader') !== 'leader';
    const up = this.upServers();
    const l = viaAny && up.length > 0 && this.rng.next() < 0.5 ? up[this.rng.int(up.length)] : this.leader();
    const s = l >= 0 ? this.slots[l] : null;
    const server = s?.server;
    const inc = s?.inc;
    if (!server || !inc) return `${kind} s${target}: no leader`;
    if (s?.phase !== 'up') return `${kind} s${target}: s${l} is not up`;
    const id = slotId(target);
    const call = (): Promise<unknown> => {
      switch (kind) {
        case 'add-learner':
          return server.addLearner(id);
        case 'promote':
          return server.promote(id, { timeoutMs: 3000 });
        case 'remove':
          return server.removeServer(id);
        case 'transfer':
          return server.transferLeadership(id);
      }
    };
    const r = await settle(call(), inc.gone);
    const text = r.kind === 'error' ? (r.error instanceof Error ? r.error.name : 'error') : r.kind;
    this.note(`${kind} ${target} via ${l}: ${text} t=${this.sched.now}`);
    return `${kind} s${target} via s${l}: ${text}`;
  }

  /**
   * A linearizable read at `target`: its own `linearizableRead()` (a follower forwards the read
   * index request), or, where the runtime refuses that, the leader's `readIndex()` followed by
   * `waitApplied()` at `target`. Either way it must see every proposal that resolved before it began.
   */
  async read(target: number): Promise<string> {
    const reader = this.slots[target];
    const server = reader.server;
    const inc = reader.inc;
    if (reader.phase !== 'up' || !server || !inc) return `read s${target}: down`;
    const seen = this.ledger.resolvedCount;
    let r: Settled<unknown> = await settle(server.linearizableRead({ timeoutMs: 2000 }), inc.gone);
    let via = 'own';
    if (r.kind === 'error' && r.error instanceof Error && r.error.name === 'NotLeaderError') {
      const l = this.leader();
      const ls = l >= 0 ? this.slots[l] : null;
      if (!ls?.server || !ls.inc || l === target) return `read s${target}: no leader`;
      via = `s${l}`;
      const idx = await settle(ls.server.readIndex(), ls.inc.gone);
      if (idx.kind !== 'ok' || reader.inc !== inc) return `read s${target} via ${via}: ${idx.kind}`;
      r = await settle(server.waitApplied(idx.value, { timeoutMs: 2000 }), inc.gone);
    }
    if (r.kind === 'ok') {
      this.counters.reads++;
      this.ledger.checkRead(target, seen, inc.sm.state);
    }
    this.note(`read ${target} via ${via}: ${r.kind} t=${this.sched.now}`);
    return `read s${target} via ${via}: ${r.kind}`;
  }

  /**
   * What a member serving reads from its own state does first (etcd's linearizable Range):
   * RaftServer.linearizableRead() at `target`, a follower forwarding the read index request to the
   * leader. On `ok` the read is checked like `read`'s, and the target's application may be read.
   */
  async readBarrier(target: number, timeoutMs: number): Promise<ReadBarrierResult> {
    const reader = this.slots[target];
    const server = reader.server;
    const inc = reader.inc;
    if (reader.phase !== 'up' || !server || !inc) return { kind: 'not-sent' };
    const seen = this.ledger.resolvedCount;
    const r = await settle(server.linearizableRead({ timeoutMs }), inc.gone);
    this.note(`barrier ${target}: ${r.kind === 'error' ? errorText(r.error) : r.kind} t=${this.sched.now}`);
    if (r.kind !== 'ok') return r;
    this.counters.reads++;
    this.ledger.checkRead(target, seen, inc.sm.state);
    return { kind: 'ok', application: inc.sm.application };
  }

  /** The application of server i's running incarnation (undefined: down, or none configured). */
  application(i: number): StateMachine<unknown> | undefined {
    const s = this.slots[i];
    return s.phase === 'up' ? s.inc?.sm.application : undefined;
  }

  /** Picks where a client sends its next proposal; `previous`: where its last round went (-1: none or refused). */
  proposalTarget(rng: Rng, previous: number): number {
    const mode = this.opts.proposeTo ?? 'leader';
    if (mode === 'sticky' && previous >= 0 && this.isUp(previous)) return previous;
    if (mode === 'leader') {
      const l = this.leader();
      if (l >= 0) return l;
    }
    const up = this.upServers();
    return up.length > 0 ? up[rng.int(up.length)] : -1;
  }

  // ---------------------------------------------------------------- end of run

  /**
   * Repairs every fault, then demands progress: a leader commits a final command and every live
   * member applies it. Then checks each member's applied state against what clients were told.
   * Returns the final command's index.
   */
  async repairAndVerify(deadlineMs = 20_000): Promise<number> {
    this.setCrashInjection(null);
    this.heal();
    this.setReliable(true);
    this.setLongReordering(false);
    for (let i = 0; i < this.n; i++) this.boot(i);
    const deadline = this.sched.now + deadlineMs;
    let index = 0;
    for (let k = 0; index === 0; k++) {
      if (this.sched.now > deadline) {
        this.fail(`liveness: no final commit within ${deadlineMs} ms after repair (${this.describe()})`);
        return 0;
      }
      const l = this.leader();
      if (l < 0) {
        await this.sleep(50);
        continue;
      }
      const r = await this.propose(l, this.opts.finalCommand?.(k) ?? `final-${k}`, 2000);
      if (r.outcome === 'applied') index = r.index;
      else await this.sleep(20);
    }
    for (;;) {
      const lagging = this.members().filter((i) => (this.status(i)?.appliedIndex ?? -1) < index);
      if (lagging.length === 0) break;
      if (this.sched.now > deadline) {
        this.fail(
          `liveness: members ${lagging.map(slotId).join(',')} did not apply index ${index} within ${deadlineMs} ms after repair (${this.describe()})`,
        );
        return 0;
      }
      await this.sleep(50);
    }
    const members = this.members();
    for (const i of members) {
      const inc = this.slots[i].inc;
      if (inc) this.ledger.verifyFinal(i, inc.sm.state);
    }
    this.checkFinalLogs(members);
    return index;
  }

  /** Committed prefixes of the members' in-memory logs agree. */
  private checkFinalLogs(members: readonly number[]): void {
    const nodes = members.map((i) => ({ i, node: this.nodeOf(this.slots[i]) }));
    for (let a = 0; a < nodes.length; a++) {
      for (let b = a + 1; b < nodes.length; b++) {
        const x = nodes[a].node;
        const y = nodes[b].node;
        if (!x || !y) continue;
        const from = Math.max(x.log.snapshotIndex, y.log.snapshotIndex) + 1;
        const to = Math.min(x.log.committed, y.log.committed);
        for (let idx = from; idx <= to; idx++) {
          if (x.log.term(idx) !== y.log.term(idx)) {
            this.fail(
              `log matching: committed index ${idx} has term ${x.log.term(idx)} on s${nodes[a].i}, ${y.log.term(idx)} on s${nodes[b].i}`,
            );
            return;
          }
        }
      }
    }
  }

  /** One line per server, for failure reports. */
  describe(): string {
    return this.slots
      .map((s) => {
        const node = this.nodeOf(s);
        if (s.phase === 'down' || !node) return `s${s.index} ${s.phase}`;
        const st = s.server?.status();
        return `s${s.index} ${node.role} term=${node.term} commit=${node.log.committed} applied=${st?.appliedIndex} last=${node.log.lastIndex()} voters=${node.membership.voters.join('/')}`;
      })
      .join('; ');
  }

  traceHash(): string {
    return this.trace.hex();
  }

  stats(): ServerSimStats {
    return {
      events: this.counters.events,
      virtualMs: this.sched.now,
      crashes: this.counters.crashes,
      tornWrites: this.counters.tornWrites,
      writes: this.counters.writes,
      applies: this.counters.applies,
      snapshotsWritten: this.counters.snapshots,
      elections: this.counters.elections,
      proposals: this.ledger.summary(),
      reads: this.counters.reads,
    };
  }
}

/** Waits for `p`, unless the incarnation it depends on goes away first (its promises are then dropped). */
function settle<T>(p: Promise<T>, gone: Promise<void>): Promise<Settled<T>> {
  return Promise.race([
    p.then(
      (value): Settled<T> => ({ kind: 'ok', value }),
      (error: unknown): Settled<T> => ({ kind: 'error', error }),
    ),
    gone.then((): Settled<T> => ({ kind: 'gone' })),
  ]);
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function entryHolds(e: Entry, item: string): boolean {
  if (item.startsWith('c:')) return e.kind === 'normal' && decoder.decode(e.data) === item.slice(2);
  return e.kind === 'config';
}
