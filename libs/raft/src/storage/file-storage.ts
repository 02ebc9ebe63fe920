import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { sameHardState, type Entry, type HardState, type Snapshot } from '../core/types.js';
import type { PersistedState, Storage, StorageUpdate } from '../interfaces/storage.js';
import { CorruptLogError } from './corrupt-log-error.js';
import { TEMP_SUFFIX } from './durable-fs.js';
import { readHardState, writeHardState } from './hard-state-file.js';
import { decodeLogRecord, encodeLogRecord, type LogRecord } from './log-records.js';
import { LogState } from './log-state.js';
import { SegmentLog } from './segment-log.js';
import { readSnapshot, writeSnapshot } from './snapshot-file.js';

export interface FileStorageOptions {
  /** Start a new log segment once the active one would exceed this size (default 1 MiB). */
  readonly segmentBytes?: number;
}

export const DEFAULT_SEGMENT_BYTES = 1024 * 1024;

/**
 * Storage in one directory: `hard-state` and `snapshot` (each replaced atomically) and a
 * segmented record log (`<seq>.seg`). Every write is fsync'd before its promise resolves.
 * The live log is also kept in memory to serve reads. See the README for the file formats.
 */
export class FileStorage implements Storage {
  private constructor(
    readonly dir: string,
    private readonly log: SegmentLog,
    private readonly state: LogState,
    private hs: HardState,
    private snap: Snapshot | null,
  ) {}

  /** Opens (creating if needed) and recovers the storage in `dir`. */
  static async open(dir: string, options: FileStorageOptions = {}): Promise<FileStorage> {
    await mkdir(dir, { recursive: true });
    // Leftovers of atomic replaces cut short by a crash: the target still holds the old content.
    for (const name of await readdir(dir)) if (name.endsWith(TEMP_SUFFIX)) await unlink(join(dir, name));
    const hs = await readHardState(dir);
    const snap = await readSnapshot(dir);
    const state = new LogState();
    const log = await SegmentLog.open(
      dir,
      options.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
      (payload, file, offset) => {
        const r = decodeLogRecord(payload);
        const error = typeof r === 'string' ? r : state.apply(r);
        if (error !== undefined) throw new CorruptLogError(file, offset, error);
        return typeof r !== 'string' && r.type === 'entry' ? r.entry.index : 0;
      },
    );
    const storage = new FileStorage(dir, log, state, hs, snap);
    try {
      await storage.reconcileWithSnapshot();
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
      await this.resetLog(snap.meta.index);
    }
  }

  /** Releases the open segment; the storage is unusable afterwards. */
  async close(): Promise<void> {
    await this.log.close();
  }

  /** Segment files, oldest first. */
  segmentFiles(): string[] {
    return this.log.files();
  }

  // ------------------------------------------------------------ Storage: writes

  async load(): Promise<PersistedState> {
    return { hardState: this.hs, snapshot: this.snap, entries: [...this.state.entries] };
  }

  async save(update: StorageUpdate): Promise<void> {
    if (update.snapshot) await this.installSnapshot(update.snapshot);
    await this.append(update.entries);
    if (update.hardState) await this.setHardState(update.hardState);
  }

  async append(entries: readonly Entry[]): Promise<void> {
    if (entries.length === 0) return;
    const first = entries[0].index;
    if (first <= this.state.offset) throw new Error(`file storage: append at compacted index ${first}`);
    if (first > this.state.lastIndex() + 1) throw new Error(`file storage: gap appending ${first}`);
    entries.forEach((e, i) => {
      if (e.index !== first + i) throw new Error(`file storage: entries not contiguous at ${e.index}`);
    });
    await this.write(entries.map((entry) => ({ type: 'entry', entry })));
  }

  async truncateSuffix(fromIndex: number): Promise<void> {
    if (fromIndex <= this.state.offset)
      throw new Error(`file storage: truncate compacted index ${fromIndex}`);
    if (fromIndex > this.state.lastIndex()) return;
    await this.write([{ type: 'truncate', index: fromIndex }]);
  }

  async setHardState(state: HardState): Promise<void> {
    if (sameHardState(state, this.hs)) return;
    await writeHardState(this.dir, state);
    this.hs = state;
  }

  async installSnapshot(snapshot: Snapshot): Promise<void> {
    await writeSnapshot(this.dir, snapshot);
    this.snap = snapshot;
    await this.resetLog(snapshot.meta.index);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    if (this.snap && this.snap.meta.index > snapshot.meta.index) return;
    await writeSnapshot(this.dir, snapshot);
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

  /** Persists the records, then applies them to the in-memory state. */
  private async write(records: readonly LogRecord[]): Promise<void> {
    await this.log.append(
      records.map((r) => ({
        payload: encodeLogRecord(r),
        entryIndex: r.type === 'entry' ? r.entry.index : 0,
      })),
    );
    for (const r of records) this.state.apply(r);
  }

  /** The log restarts after `index` in a fresh segment; older segments are then deleted. */
  private async resetLog(index: number): Promise<void> {
    await this.log.roll();
    await this.write([{ type: 'reset', index }]);
    await this.log.dropSegmentsUpTo(Number.POSITIVE_INFINITY);
  }
}
