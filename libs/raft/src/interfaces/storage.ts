import type { Entry, HardState, Snapshot } from '../core/types.js';

/** Everything a server needs to restart. */
export interface PersistedState {
  readonly hardState: HardState;
  /** Latest snapshot, or null if none was taken or installed. */
  readonly snapshot: Snapshot | null;
  /** Entries after the snapshot (or from index 1), contiguous and ascending. */
  readonly entries: readonly Entry[];
}

/** What one Ready asks to persist; see `Storage.save`. */
export interface StorageUpdate {
  /** A snapshot from the leader: replaces the snapshot and the whole log, before `entries`. */
  readonly snapshot: Snapshot | null;
  /** Entries to append (replacing any stored suffix from entries[0].index). */
  readonly entries: readonly Entry[];
  /** New hard state, or null when unchanged. `commit` need not be durable: it is recovered. */
  readonly hardState: HardState | null;
}

/** Counters for benchmarks and diagnostics. */
export interface StorageStats {
  /** fsync/fdatasync calls made so far (all files). */
  readonly syncs: number;
  /** Calls of `save` so far. */
  readonly saves: number;
}

/**
 * Durable Raft state: log entries, hard state and the latest snapshot.
 *
 * Durability contract: a write's promise resolves only once the data would survive a crash
 * (e.g. after fsync). The server awaits every write of a Ready before it sends that Ready's
 * messages, so a vote or an append acknowledgement is never sent for state that could be lost.
 * Writes are issued one at a time, in order (snapshot, entries, hard state); an implementation
 * may assume no concurrent writes. Reads may be served from a cache.
 */
export interface Storage {
  /**
   * Persists a Ready's snapshot, entries and hard state. Resolves once all of it is durable.
   * Implementations should make this one sync where they can (RaftServer calls only this for a
   * Ready); a crash before it resolves may keep any prefix of the update, never a later part
   * without an earlier one.
   */
  save(update: StorageUpdate): Promise<void>;

  /** Optional counters (syncs, saves). */
  stats?(): StorageStats;

  /** Loads the persisted state; called once before the server starts. */
  load(): Promise<PersistedState>;

  /**
   * Appends `entries` (contiguous, ascending). Any stored entries with index >= entries[0].index
   * are discarded first (conflicting suffix). entries[0].index is at most lastIndex() + 1.
   */
  append(entries: readonly Entry[]): Promise<void>;

  /** Discards stored entries with index >= `fromIndex`. */
  truncateSuffix(fromIndex: number): Promise<void>;

  setHardState(state: HardState): Promise<void>;

  /**
   * Stores a snapshot received from the leader: it replaces the snapshot AND the whole log
   * (the log then continues at snapshot.meta.index + 1).
   */
  installSnapshot(snapshot: Snapshot): Promise<void>;

  /** Stores a snapshot taken locally; the log is left untouched (see `compact`). */
  saveSnapshot(snapshot: Snapshot): Promise<void>;

  /** Discards entries with index <= `index`; `index` must be covered by the stored snapshot. */
  compact(index: number): Promise<void>;

  /** Entries in [lo, hi). */
  entries(lo: number, hi: number): Promise<Entry[]>;

  /** Term of the entry at `index`, the snapshot's term at its index, else undefined. */
  term(index: number): Promise<number | undefined>;

  /** Index of the first stored entry (snapshot index + 1 when compacted). */
  firstIndex(): Promise<number>;

  lastIndex(): Promise<number>;

  hardState(): Promise<HardState>;

  loadSnapshot(): Promise<Snapshot | null>;

  /** Releases files or handles; RaftServer.stop() calls it after the last write has finished. */
  close?(): Promise<void>;
}
