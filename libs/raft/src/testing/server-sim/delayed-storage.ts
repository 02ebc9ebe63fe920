import type { Entry, HardState, Snapshot } from '../../core/types.js';
import type { PersistedState, Storage, StorageStats, StorageUpdate } from '../../interfaces/storage.js';
import type { Scheduler } from '../scheduler.js';
import { LogTerms } from './log-terms.js';
import type { SimDisk } from './sim-disk.js';

export type StorageOp =
  'save' | 'append' | 'truncateSuffix' | 'setHardState' | 'installSnapshot' | 'saveSnapshot' | 'compact';

/** What a write puts on disk, as seen when it is issued (for the cluster's checks and trace). */
export interface IssuedWrite {
  readonly op: StorageOp;
  readonly entries: readonly Entry[];
  /** Term of the stored entry just before entries[0] once earlier writes land (undefined if compacted). */
  readonly prevTerm: number | undefined;
  readonly snapshot: Snapshot | null;
  readonly hardState: HardState | null;
}

export interface StorageObserver {
  /** `doneAt`: virtual time at which the write will be durable, unless the server crashes first. */
  onIssue(write: IssuedWrite, doneAt: number): void;
  /** The write is durable and its promise resolves now. */
  onDurable(op: StorageOp): void;
  /** The caller broke the Storage contract: overlapping writes, a write after close(), a failing write. */
  onMisuse(message: string): void;
}

export interface DelayedStorageOptions {
  readonly sched: Scheduler;
  /** The durable medium, shared by every incarnation of one server: holds completed writes only. */
  readonly disk: SimDisk;
  /** Milliseconds the next write (or load) takes; drawn from the seeded rng. */
  readonly latencyMs: () => number;
  readonly observer: StorageObserver;
  /** Storage's contract says writes never overlap; set when the runtime is allowed to pipeline them. */
  readonly allowOverlappingWrites?: boolean;
}

/** One step of a write. A crash keeps a prefix of the steps of the write in progress, never a later step alone. */
type Part = (disk: SimDisk) => void;

interface PendingWrite {
  readonly op: StorageOp;
  readonly parts: readonly Part[];
  resolve(): void;
  reject(e: Error): void;
}

export interface TornWrite {
  readonly op: StorageOp;
  readonly kept: number;
  readonly parts: number;
}

/**
 * `Storage` for one server incarnation whose writes complete after seeded virtual delays, one at a
 * time in issue order (like a disk with a single write queue). Completed writes go to the server's
 * SimDisk; `crash()` drops the rest, optionally keeping a prefix of the write in
 * progress, and fences this instance so that none of its promises ever settles. Reads wait until
 * earlier writes are durable, then read the disk.
 */
export class DelayedStorage implements Storage {
  private readonly queue: PendingWrite[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly terms: LogTerms;
  private lastDoneAt = 0;
  private fenced = false;
  private closed = false;
  private saves = 0;
  private completed = 0;

  constructor(private readonly o: DelayedStorageOptions) {
    const p = o.disk.load();
    this.terms = LogTerms.fromPersisted(p.snapshot, p.entries);
  }

  /**
   * The process died: writes not yet durable are lost, except that the one in progress may keep
   * `keep(parts)` of its parts (clamped to [0, parts]). Nothing of this incarnation settles afterwards.
   */
  crash(keep: (parts: number) => number): TornWrite | null {
    if (this.fenced) return null;
    this.fenced = true;
    const head = this.queue[0];
    this.queue.length = 0;
    this.idleWaiters.length = 0;
    if (!head) return null;
    const kept = Math.max(0, Math.min(head.parts.length, Math.floor(keep(head.parts.length))));
    for (let k = 0; k < kept; k++) head.parts[k](this.o.disk);
    return { op: head.op, kept, parts: head.parts.length };
  }

  // ------------------------------------------------------------ writes

  save(update: StorageUpdate): Promise<void> {
    this.saves++;
    const parts: Part[] = [];
    const { snapshot, entries, hardState } = update;
    if (snapshot) parts.push((d) => d.installSnapshot(snapshot));
    for (const e of entries) parts.push((d) => d.append([e]));
    if (hardState) parts.push((d) => d.setHardState(hardState));
    if (snapshot) this.terms.installSnapshot(snapshot);
    const prevTerm = entries.length > 0 ? this.terms.term(entries[0].index - 1) : undefined;
    this.terms.append(entries);
    return this.write({ op: 'save', entries, prevTerm, snapshot, hardState }, parts);
  }

  append(entries: readonly Entry[]): Promise<void> {
    const prevTerm = entries.length > 0 ? this.terms.term(entries[0].index - 1) : undefined;
    this.terms.append(entries);
    const parts = entries.map(
      (e): Part =>
        (d) =>
          d.append([e]),
    );
    return this.write({ op: 'append', entries, prevTerm, snapshot: null, hardState: null }, parts);
  }

  truncateSuffix(fromIndex: number): Promise<void> {
    this.terms.truncateSuffix(fromIndex);
    return this.write(this.record('truncateSuffix'), [(d) => d.truncateSuffix(fromIndex)]);
  }

  setHardState(state: HardState): Promise<void> {
    return this.write({ ...this.record('setHardState'), hardState: state }, [(d) => d.setHardState(state)]);
  }

  installSnapshot(snapshot: Snapshot): Promise<void> {
    this.terms.installSnapshot(snapshot);
    return this.write({ ...this.record('installSnapshot'), snapshot }, [(d) => d.installSnapshot(snapshot)]);
  }

  saveSnapshot(snapshot: Snapshot): Promise<void> {
    return this.write({ ...this.record('saveSnapshot'), snapshot }, [(d) => d.saveSnapshot(snapshot)]);
  }

  compact(index: number): Promise<void> {
    this.terms.compact(index);
    return this.write(this.record('compact'), [(d) => d.compact(index)]);
  }

  async close(): Promise<void> {
    if (this.queue.length > 0) this.o.observer.onMisuse(`close() with ${this.queue.length} write(s) pending`);
    this.closed = true;
  }

  stats(): StorageStats {
    return { syncs: this.completed, saves: this.saves };
  }

  private record(op: StorageOp): IssuedWrite {
    return { op, entries: [], prevTerm: undefined, snapshot: null, hardState: null };
  }

  private write(record: IssuedWrite, parts: readonly Part[]): Promise<void> {
    const { observer, sched } = this.o;
    if (this.fenced) {
      observer.onMisuse(`${record.op} issued by a crashed incarnation`);
      return new Promise<void>(() => undefined);
    }
    if (this.closed) {
      observer.onMisuse(`${record.op} issued after close()`);
      return Promise.reject(new Error('sim storage: closed'));
    }
    if (this.queue.length > 0 && !this.o.allowOverlappingWrites) {
      observer.onMisuse(
        `${record.op} issued while ${this.queue[0].op} is still pending (writes must not overlap)`,
      );
    }
    // Completions keep issue order: equal times run in scheduling order.
    const doneAt = Math.max(sched.now, this.lastDoneAt) + this.o.latencyMs();
    this.lastDoneAt = doneAt;
    observer.onIssue(record, doneAt);
    return new Promise<void>((resolve, reject) => {
      const w: PendingWrite = { op: record.op, parts, resolve, reject };
      this.queue.push(w);
      sched.at(doneAt, () => this.complete(w));
    });
  }

  private complete(w: PendingWrite): void {
    if (this.fenced || this.queue[0] !== w) return;
    this.queue.shift();
    try {
      for (const part of w.parts) part(this.o.disk);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      this.o.observer.onMisuse(`${w.op} failed on the disk: ${err.message}`);
      w.reject(err);
      return;
    }
    this.completed++;
    this.o.observer.onDurable(w.op);
    w.resolve();
    if (this.queue.length === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  // ------------------------------------------------------------ reads (after earlier writes are durable)

  load(): Promise<PersistedState> {
    return new Promise<PersistedState>((resolve) => {
      this.o.sched.after(this.o.latencyMs(), () => {
        if (!this.fenced) void this.read(() => this.o.disk.load()).then(resolve);
      });
    });
  }

  entries(lo: number, hi: number): Promise<Entry[]> {
    return this.read(() => this.o.disk.reads.entries(lo, hi));
  }

  term(index: number): Promise<number | undefined> {
    return this.read(() => this.o.disk.reads.term(index));
  }

  firstIndex(): Promise<number> {
    return this.read(() => this.o.disk.reads.firstIndex());
  }

  lastIndex(): Promise<number> {
    return this.read(() => this.o.disk.reads.lastIndex());
  }

  hardState(): Promise<HardState> {
    return this.read(() => this.o.disk.hardState);
  }

  loadSnapshot(): Promise<Snapshot | null> {
    return this.read(() => this.o.disk.reads.loadSnapshot());
  }

  private read<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.queue.length === 0) return Promise.resolve().then(fn);
    return new Promise<T>((resolve, reject) => {
      this.idleWaiters.push(() => {
        Promise.resolve().then(fn).then(resolve, reject);
      });
    });
  }
}
