import type { Entry, SnapshotMeta } from './types.js';

export interface TermHint {
  readonly index: number;
  /** 0 when the term is unknown (compacted). */
  readonly term: number;
}

/**
 * The uncompacted log held in memory, with cursors for what has been handed to storage (persisting),
 * confirmed durable (stable), handed to the application (applying) and applied.
 * Indexes are 1-based; index `snapshotIndex` is the last compacted one.
 */
export class RaftLog {
  snapshotIndex = 0;
  snapshotTerm = 0;
  private entries: Entry[] = [];
  committed = 0;
  applied = 0;
  applying = 0;
  stable = 0;
  persisting = 0;

  /** Rebuild from storage: everything loaded is stable. */
  static restore(meta: SnapshotMeta | null, entries: readonly Entry[], commit: number): RaftLog {
    const log = new RaftLog();
    if (meta) {
      log.snapshotIndex = meta.index;
      log.snapshotTerm = meta.term;
    }
    const first = log.snapshotIndex + 1;
    log.entries = entries.filter((e) => e.index >= first);
    for (let i = 0; i < log.entries.length; i++) {
      if (log.entries[i].index !== first + i)
        throw new Error(`raft log: gap in restored entries at ${first + i}`);
    }
    log.stable = log.persisting = log.lastIndex();
    log.committed = Math.max(log.snapshotIndex, Math.min(commit, log.lastIndex()));
    log.applied = log.applying = log.snapshotIndex;
    return log;
  }

  firstIndex(): number {
    return this.snapshotIndex + 1;
  }

  lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** Term at `index`, or undefined if compacted or beyond the end. */
  term(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    if (index < this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshotIndex - 1].term;
  }

  entryAt(index: number): Entry | undefined {
    if (index <= this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshotIndex - 1];
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** Entries in [lo, hi), limited by count and bytes (at least one entry if any). */
  slice(lo: number, hi: number, maxCount = Infinity, maxBytes = Infinity): Entry[] {
    if (lo <= this.snapshotIndex) throw new Error(`raft log: slice from compacted index ${lo}`);
    const end = Math.min(hi, this.lastIndex() + 1, lo + maxCount);
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < end; i++) {
      const e = this.entries[i - this.snapshotIndex - 1];
      bytes += e.data.length;
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  /** Election restriction (§5.4.1): is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Index of the first entry that is new or conflicts with ours, or 0 if all are already present. */
  findConflict(entries: readonly Entry[]): number {
    for (const e of entries) {
      if (e.index <= this.snapshotIndex) continue;
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * Largest index <= `index` whose term is <= `term`: the next probe point for fast backtracking.
   * Entries after it cannot match a log whose entry at `index` has `term`.
   */
  findConflictByTerm(index: number, term: number): TermHint {
    const start = Math.min(index, this.lastIndex());
    if (start < this.snapshotIndex) return { index: start, term: 0 };
    for (let i = start; i > this.snapshotIndex; i--) {
      const t = this.entries[i - this.snapshotIndex - 1].term;
      if (t <= term) return { index: i, term: t };
    }
    return { index: this.snapshotIndex, term: this.snapshotTerm };
  }

  /** Follower side of AppendEntries. Returns the last new index, or undefined if prev does not match. */
  maybeAppend(
    prevIndex: number,
    prevTerm: number,
    commit: number,
    entries: readonly Entry[],
  ): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + entries.length;
    const ci = this.findConflict(entries);
    if (ci !== 0) {
      if (ci <= this.committed) throw new Error(`raft log: conflict at ${ci} <= committed ${this.committed}`);
      this.append(entries.slice(ci - prevIndex - 1));
    }
    this.commitTo(Math.min(commit, lastNew));
    return lastNew;
  }

  /** Append, replacing any suffix starting at entries[0].index. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0].index;
    if (first <= this.committed) throw new Error(`raft log: overwrite committed index ${first}`);
    if (first > this.lastIndex() + 1)
      throw new Error(`raft log: gap appending ${first} after ${this.lastIndex()}`);
    this.entries.length = first - this.snapshotIndex - 1;
    for (const e of entries) this.entries.push(e);
    this.stable = Math.min(this.stable, first - 1);
    this.persisting = Math.min(this.persisting, first - 1);
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (index > this.lastIndex())
      throw new Error(`raft log: commit ${index} beyond last ${this.lastIndex()}`);
    this.committed = index;
  }

  /** Leader rule: only entries of the current term are committed by counting replicas (§5.4.2). */
  maybeCommit(index: number, term: number): boolean {
    if (index > this.committed && this.term(index) === term) {
      this.committed = index;
      return true;
    }
    return false;
  }

  /** Entries not yet handed to storage, up to `maxBytes` (at least one). */
  unstableEntries(maxBytes = Infinity): Entry[] {
    const from = Math.max(this.persisting, this.snapshotIndex) + 1;
    return from > this.lastIndex() ? [] : this.slice(from, this.lastIndex() + 1, Infinity, maxBytes);
  }

  /** Committed entries not yet handed to the application, up to `maxBytes` (at least one). */
  nextCommitted(maxBytes = Infinity): Entry[] {
    const from = Math.max(this.applying, this.snapshotIndex) + 1;
    const to = Math.min(this.committed, this.lastIndex());
    return from > to ? [] : this.slice(from, to + 1, Infinity, maxBytes);
  }

  hasNextCommitted(): boolean {
    return Math.min(this.committed, this.lastIndex()) > Math.max(this.applying, this.snapshotIndex);
  }

  stableTo(index: number, term: number): void {
    if (index > this.stable && this.matchTerm(index, term)) this.stable = index;
  }

  /** Replace the whole log by a snapshot received from the leader. */
  restoreSnapshot(meta: SnapshotMeta): void {
    this.snapshotIndex = meta.index;
    this.snapshotTerm = meta.term;
    this.entries = [];
    this.committed = meta.index;
    this.applied = this.applying = meta.index;
    this.stable = this.persisting = meta.index;
  }

  /** Drop entries <= index (covered by a snapshot). */
  compact(index: number): void {
    if (index <= this.snapshotIndex) return;
    if (index > this.applied || index > this.stable)
      throw new Error(`raft log: compact ${index} beyond applied/stable`);
    const term = this.term(index);
    if (term === undefined) throw new Error(`raft log: compact unknown index ${index}`);
    this.entries = this.entries.slice(index - this.snapshotIndex);
    this.snapshotIndex = index;
    this.snapshotTerm = term;
  }
}
