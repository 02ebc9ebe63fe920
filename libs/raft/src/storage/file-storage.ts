import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EMPTY_HARD_STATE, sameHardState, type Entry, type HardState, type Snapshot } from '../core/types.js';
import type { PersistedState, Storage, StorageStats, StorageUpdate } from '../interfaces/storage.js';
import { checkClusterId } from './cluster-id-file.js';
import { CorruptLogError } from './corrupt-log-error.js';
import { DirLock } from './dir-lock.js';
import { TEMP_SUFFIX, type SyncCounter } from './durable-fs.js';
import { readHardState, removeHardStateFile } from './hard-state-file.js';
import { decodeLogRecord, encodeLogRecord, entryIndexOf, type LogRecord } from './log-records.js';
import { LogState } from './log-state.js';
import { SegmentLog, type LogItem } from './segment-log.js';
import { readSnapshot, writeSnapshot } from './snapshot-file.js';

export interface FileStorageOptions {
  /** Size of each preallocated segment file (default 64 MiB); a batch that does not fit starts the next. */
  readonly segmentBytes?: number;
  /**
   * The cluster this data dir belongs to: recorded if the dir has none yet, else it must match
   * (ClusterIdMismatchError). Without it, any dir opens.
   */
  readonly clusterId?: string;
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * Storage in one directory: a segmented log of batches (`<seq>.seg`, preallocated) holding the
 * entries and the hard state, plus `snapshot` (replaced atomically) and `cluster-id`. A `save` is
 * one batch and one fdatasync. The directory is locked while open. The live log is also kept in
 * memory to serve reads. See the README for the file formats and the recovery rules.
 */
export class FileStorage implements Storage {
  private saves = 0;

  private constructor(
    readonly dir: string,
    /** The cluster id recorded in the dir, or null if none was ever given. */
    readonly clusterId: string | null,
    private readonly lock: DirLock,
    private readonly syncs: SyncCounter,
    private readonly log: SegmentLog,
    private readonly state: LogState,
    /** The latest hard state; its commit may be ahead of the log's copy. */
    private hs: HardState,
    /** The hard state as the log last recorded it. */
    private durableHs: HardState,
    private snap: Snapshot | null,
  ) {}

  /**
   * Opens (creating if needed) and recovers the storage in `dir`. Throws DataDirLockedError if
   * another open storage holds the dir, ClusterIdMismatchError, or CorruptLogError.
   */
  static async open(dir: string, options: FileStorageOptions = {}): Promise<FileStorage> {
    const { segmentBytes } = options;
    if (segmentBytes !== undefined && !(Number.isSafeInteger(segmentBytes) && segmentBytes > 0))
      throw new RangeError(`segmentBytes must be a positive integer, not ${segmentBytes}`);
    await mkdir(dir, { recursive: true });
    const lock = await DirLock.acquire(dir);
    try {
      return await FileStorage.recover(dir, options, lock);
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  private static async recover(
    dir: string,
    options: FileStorageOptions,
    lock: DirLock,
  ): Promise<FileStorage> {
    const syncs: SyncCounter = { syncs: 0 };
    const clusterId = await checkClusterId(dir, options.clusterId, syncs);
    // Leftovers of atomic replaces and prepared segments: the targets hold the old content.
    for (const name of await readdir(dir)) if (name.endsWith(TEMP_SUFFIX)) await unlink(join(dir, name));
    // A dir from before the hard state moved into the log: its file is the starting value.
    const legacyHs = await readHardState(dir);
    let hs = legacyHs ?? EMPTY_HARD_STATE;
    const snap = await readSnapshot(dir);
    const state = new LogState();
    const log = await SegmentLog.open(
      dir,
      options.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
      syncs,
      (payload, file, offset, segmentStart) => {
        const r = decodeLogRecord(payload);
        if (typeof r === 'string') throw new CorruptLogError(file, offset, r);
        const error = misplaced(r, segmentStart) ?? state.apply(r);
        if (error !== undefined) throw new CorruptLogError(file, offset, error);
        if (r.type === 'hardState') hs = r.hardState;
        return entryIndexOf(r);
      },
    );
    const storage = new FileStorage(dir, clusterId, lock, syncs, log, state, hs, hs, snap);
    try {
      if (log.needsNewSegment()) await log.roll(() => storage.segmentHeader());
      if (legacyHs) await removeHardStateFile(dir, syncs);
      await storage.reconcileWithSnapshot();
      // Commit need not be durable, but must not point past the log that survived.
      if (storage.hs.commit > state.lastIndex()) storage.hs = { ...storage.hs, commit: state.lastIndex() };
    } catch (e) {
      await log.close();
      throw e;
    }
    return storage;
  }

  /**
   * installSnapshot writes the snapshot, then resets the log. After a crash in between the log
   * predates the snapshot: as the Raft paper prescribes, it is discarded unless it holds the
   * snapshot's last entry (same index and term).
   */
  private async reconcileWithSnapshot(): Promise<void> {
    const { state, snap } = this;
    if (snap === null) {
      if (state.offset > 0)
        throw new CorruptLogError(this.dir, 0, `log starts after ${state.offset} but there is no snapshot`);
      return;
    }
    if (snap.meta.index < state.offset) {
      throw new CorruptLogError(
        this.dir,
        0,
        `log compacted to ${state.offset}, beyond the snapshot at ${snap.meta.index}`,
      );
    }
    if (snap.meta.index > state.offset && state.term(snap.meta.index) !== snap.meta.term) {
      await this.write([{ type: 'reset', index: snap.meta.index }], true);
      await this.log.dropSegmentsUpTo(Number.POSITIVE_INFINITY);
    }
  }

  /** Releases the segment files and the directory lock; the storage is unusable afterwards. */
  async close(): Promise<void> {
    try {
      await this.log.close();
    } finally {
      await this.lock.release();
    }
  }

  /** Segment files, oldest first. */
  segmentFiles(): string[] {
    return this.log.files();
  }

  /**
   * Resolves once the background preparation of the next segment file is done, so that sync
   * counts are exact (tests, benchmarks).
   */
  async settled(): Promise<void> {
    await this.log.settled();
  }

  stats(): StorageStats {
    return { syncs: this.syncs.syncs, saves: this.saves };
  }

  // ------------------------------------------------------------ Storage: writes

  async load(): Promise<PersistedState> {
    return { hardState: this.hs, snapshot: this.snap, entries: [...this.state.entries] };
  }

  /**
   * One batch, one fdatasync: entries plus a hard-state record. The record is written when term
   * or vote changed, or (with the latest commit) when a batch is written anyway; a save that only
   * moves commit touches no disk. A snapshot from the leader also costs the snapshot file's
   * atomic replace and a new segment.
   */
  async save(update: StorageUpdate): Promise<void> {
    this.saves++;
    await this.persist(update);
  }

  async append(entries: readonly Entry[]): Promise<void> {
    await this.persist({ snapshot: null, entries, hardState: null });
  }

  async setHardState(state: HardState): Promise<void> {
    await this.persist({ snapshot: null, entries: [], hardState: state });
  }

  async installSnapshot(snapshot: Snapshot): Promise<void> {
    await this.persist({ snapshot, entries: [], hardState: null });
  }

  async truncateSuffix(fromIndex: number): Promise<void> {
    if (fromIndex <= this.state.offset)
      throw new Error(`file storage: truncate compacted index ${fromIndex}`);
    if (fromIndex > this.state.lastIndex()) return;
    await this.write([{ type: 'truncate', index: fromIndex }]);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    if (this.snap && this.snap.meta.index > snapshot.meta.index) return;
    await writeSnapshot(this.dir, snapshot, this.syncs);
    this.snap = snapshot;
  }

  async compact(index: number): Promise<void> {
    if (index <= this.state.offset) return;
    if (!this.snap || this.snap.meta.index < index)
      throw new Error(`file storage: compact ${index} not covered by snapshot`);
    await this.write([{ type: 'compact', index }]);
    await this.log.dropSegmentsUpTo(index);
  }

  // ------------------------------------------------------------ Storage: reads (from memory)

  async entries(lo: number, hi: number): Promise<Entry[]> {
    if (lo <= this.state.offset) throw new Error(`file storage: entries from compacted index ${lo}`);
    const off = this.state.offset;
    return this.state.entries.slice(lo - off - 1, Math.max(0, hi - off - 1));
  }

  async term(index: number): Promise<number | undefined> {
    if (this.snap && index === this.snap.meta.index) return this.snap.meta.term;
    if (index === 0) return 0;
    return this.state.term(index);
  }

  async firstIndex(): Promise<number> {
    return this.state.offset + 1;
  }

  async lastIndex(): Promise<number> {
    return this.state.lastIndex();
  }

  async hardState(): Promise<HardState> {
    return this.hs;
  }

  async loadSnapshot(): Promise<Snapshot | null> {
    return this.snap;
  }

  // ------------------------------------------------------------ internals

  private async persist({ snapshot, entries, hardState }: StorageUpdate): Promise<void> {
    this.checkEntries(entries, snapshot ? snapshot.meta.index : null);
    const records: LogRecord[] = entries.map((entry) => ({ type: 'entry', entry }));
    const hs = hardState ?? this.hs;
    const mustPersist = hs.term !== this.durableHs.term || hs.vote !== this.durableHs.vote;
    const writing = mustPersist || records.length > 0 || snapshot !== null;
    if (writing && !sameHardState(hs, this.durableHs)) records.push({ type: 'hardState', hardState: hs });
    if (snapshot) {
      await writeSnapshot(this.dir, snapshot, this.syncs);
      this.snap = snapshot;
      // The log restarts after the snapshot in a fresh segment; older segments are then deleted.
      await this.write([{ type: 'reset', index: snapshot.meta.index }, ...records], true);
      await this.log.dropSegmentsUpTo(Number.POSITIVE_INFINITY);
    } else if (records.length > 0) {
      await this.write(records);
    }
    this.hs = hs;
  }

  /** Entries must be contiguous and continue the log (or follow the snapshot replacing it). */
  private checkEntries(entries: readonly Entry[], snapshotIndex: number | null): void {
    if (entries.length === 0) return;
    const first = entries[0].index;
    if (snapshotIndex !== null) {
      if (first !== snapshotIndex + 1)
        throw new Error(`file storage: entries from ${first} do not follow the snapshot at ${snapshotIndex}`);
    } else {
      if (first <= this.state.offset) throw new Error(`file storage: append at compacted index ${first}`);
      if (first > this.state.lastIndex() + 1) throw new Error(`file storage: gap appending ${first}`);
    }
    entries.forEach((e, i) => {
      if (e.index !== first + i) throw new Error(`file storage: entries not contiguous at ${e.index}`);
    });
  }

  /** Persists the records as one batch, then applies them to the in-memory state. */
  private async write(records: readonly LogRecord[], newSegment = false): Promise<void> {
    const items: LogItem[] = records.map((r) => ({
      payload: encodeLogRecord(r),
      entryIndex: entryIndexOf(r),
    }));
    await this.log.append(items, () => this.segmentHeader(), newSegment);
    for (const r of records) {
      if (r.type === 'hardState') this.durableHs = r.hardState;
      else this.state.apply(r);
    }
  }

  /**
   * What every new segment starts with, so that deleting older segments loses nothing: where the
   * log stands, and the hard state (which the segment therefore records from now on).
   */
  private segmentHeader(): LogItem[] {
    this.durableHs = this.hs;
    return [
      { payload: encodeLogRecord({ type: 'begin', index: this.state.lastIndex() }), entryIndex: 0 },
      { payload: encodeLogRecord({ type: 'hardState', hardState: this.hs }), entryIndex: 0 },
    ];
  }
}

/** `begin` is the first record of a segment and only that. */
function misplaced(r: LogRecord, segmentStart: boolean): string | undefined {
  if (segmentStart && r.type !== 'begin') return 'segment does not start with a begin record';
  if (!segmentStart && r.type === 'begin') return 'begin record inside a segment';
  return undefined;
}
