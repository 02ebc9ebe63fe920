import { open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { alignToSector, encodeBatch, SECTOR_BYTES } from './batch-codec.js';
import { CorruptLogError } from './corrupt-log-error.js';
import { datasync, fsync, syncDir, writeFully, writeZeros, type SyncCounter } from './durable-fs.js';
import { SegmentPreallocator, type PreparedSegment } from './segment-preallocator.js';
import { FIRST_BATCH_OFFSET, scanSegment } from './segment-scan.js';

const SEGMENT_NAME = /^(\d{16})\.seg$/;

export function segmentName(seq: number): string {
  return `${String(seq).padStart(16, '0')}.seg`;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  /** Where the next batch goes. */
  size: number;
  /** End of the segment's first batch (its header); a segment holding only that never rolls. */
  headerEnd: number;
  /** Highest entry index written to this segment (0: none); decides when it can be dropped. */
  maxEntryIndex: number;
  /** False for an old-format segment: never written again. */
  readonly writable: boolean;
}

export interface LogItem {
  readonly payload: Uint8Array;
  /** The entry index this record writes, or 0. */
  readonly entryIndex: number;
}

/** The records every new segment starts with, as of now (FileStorage: begin + hard state). */
export type SegmentHeader = () => readonly LogItem[];

/**
 * Called for each stored record, in order, while opening; returns the entry index it writes
 * (0 otherwise). `segmentStart` marks the first record of a batched segment. Throwing aborts the open.
 */
export type Replay = (record: Buffer, file: string, offset: number, segmentStart: boolean) => number;

/**
 * Append-only log of batches split into numbered, preallocated segment files. Each append is one
 * batch written with one fdatasync. Only the last segment is written; once a batch would not fit,
 * a prepared file gets the header and the batch, is synced, renamed into the sequence and the
 * directory synced. Old segments are only ever deleted whole, oldest first.
 */
export class SegmentLog {
  private broken: Error | null = null;

  private constructor(
    private readonly dir: string,
    private readonly capacity: number,
    private readonly syncs: SyncCounter,
    private readonly segments: Segment[],
    private active: FileHandle | null,
    private lastSeq: number,
    private readonly preallocator: SegmentPreallocator,
  ) {}

  /**
   * Replays every record. A torn tail of the last segment (see scanSegment) is cleared; any
   * other damage, or a missing segment in the sequence, throws CorruptLogError.
   * `segmentBytes` is the preallocated size of new segment files.
   */
  static async open(
    dir: string,
    segmentBytes: number,
    syncs: SyncCounter,
    replay: Replay,
  ): Promise<SegmentLog> {
    const seqs = (await readdir(dir))
      .map((name) => SEGMENT_NAME.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const segments: Segment[] = [];
    let lastSeq: number | null = null;
    let tornTail: { from: number; to: number } | null = null;
    for (let i = 0; i < seqs.length; i++) {
      const path = join(dir, segmentName(seqs[i]));
      if (i > 0 && seqs[i] !== seqs[i - 1] + 1) {
        throw new CorruptLogError(path, 0, `segment ${segmentName(seqs[i - 1] + 1)} is missing`);
      }
      const isLast = i === seqs.length - 1;
      const buf = await readFile(path);
      const scan = scanSegment(buf, path, isLast, lastSeq);
      let maxEntryIndex = 0;
      scan.batches.forEach((batch, b) =>
        batch.records.forEach((record, r) => {
          const index = replay(record, path, batch.offset, scan.batched && b === 0 && r === 0);
          maxEntryIndex = Math.max(maxEntryIndex, index);
        }),
      );
      lastSeq = scan.batched ? (scan.batches.at(-1)?.seq ?? lastSeq) : null;
      if (isLast && scan.batched && scan.batches.length === 0) {
        // Not even a header survived (segments are renamed into place only after it is synced,
        // so this takes a disk that reorders writes): nothing to keep.
        await unlink(path);
        await syncDir(dir, syncs);
        break;
      }
      if (isLast && !scan.batched && scan.end < buf.length) await truncateFile(path, scan.end, syncs);
      if (isLast && scan.tornEnd > scan.end) tornTail = { from: scan.end, to: scan.tornEnd };
      segments.push({
        seq: seqs[i],
        path,
        size: scan.end,
        headerEnd: scan.batches.length > 1 ? scan.batches[1].offset : scan.end,
        maxEntryIndex,
        writable: scan.batched,
      });
    }
    const last = segments.at(-1);
    let active: FileHandle | null = null;
    if (last?.writable) {
      active = await open(last.path, 'r+');
      if (tornTail) {
        // Later writes must not leave the torn batch's stray bytes behind them.
        await writeZeros(active, tornTail.from, tornTail.to);
        await datasync(active, syncs);
      }
    }
    const capacity = Math.max(alignToSector(segmentBytes), FIRST_BATCH_OFFSET + SECTOR_BYTES);
    const preallocator = new SegmentPreallocator(dir, capacity, syncs);
    preallocator.prepare();
    return new SegmentLog(dir, capacity, syncs, segments, active, lastSeq ?? 0, preallocator);
  }

  /** True if the next write must start a segment: there is none, or the last has the old format. */
  needsNewSegment(): boolean {
    return this.active === null;
  }

  /** Appends the items as one batch, durably; in a new segment if it does not fit (or if asked). */
  async append(items: readonly LogItem[], header: SegmentHeader, newSegment = false): Promise<void> {
    const frame = encodeBatch(
      this.lastSeq + 1,
      items.map((i) => i.payload),
    );
    const maxIndex = items.reduce((m, i) => Math.max(m, i.entryIndex), 0);
    await this.guard(async () => {
      const seg = this.segments.at(-1);
      const full = seg !== undefined && seg.size > seg.headerEnd && seg.size + frame.length > this.capacity;
      if (newSegment || this.active === null || seg === undefined || full) {
        await this.startSegment(header(), items);
        return;
      }
      await writeFully(this.active, frame, seg.size);
      await datasync(this.active, this.syncs);
      this.lastSeq++;
      seg.size += frame.length;
      seg.maxEntryIndex = Math.max(seg.maxEntryIndex, maxIndex);
    });
  }

  /** Starts a new segment holding just the header. */
  async roll(header: SegmentHeader): Promise<void> {
    await this.guard(() => this.startSegment(header(), []));
  }

  /**
   * Deletes old segments, oldest first, while every entry they hold is <= `index` (all old
   * segments when `index` is Infinity). The active segment is kept.
   */
  async dropSegmentsUpTo(index: number): Promise<void> {
    await this.guard(async () => {
      let dropped = 0;
      while (this.segments.length > 1 && this.segments[0].maxEntryIndex <= index) {
        const seg = this.segments[0];
        await unlink(seg.path);
        this.segments.shift();
        dropped++;
      }
      if (dropped > 0) await syncDir(this.dir, this.syncs);
    });
  }

  /** Segment file paths, oldest first (for tests and diagnostics). */
  files(): string[] {
    return this.segments.map((s) => s.path);
  }

  /** Resolves once the next segment file is prepared (background writes and syncs are done). */
  async settled(): Promise<void> {
    await this.preallocator.settled();
  }

  async close(): Promise<void> {
    this.broken ??= new Error('segment log closed');
    await this.preallocator.close();
    await this.active?.close();
    this.active = null;
  }

  /**
   * Header and first batch go into a prepared file, synced before it is renamed into the
   * sequence: a segment under its final name always starts with a durable header.
   */
  private async startSegment(header: readonly LogItem[], items: readonly LogItem[]): Promise<void> {
    const prepared = await this.preallocator.take();
    const seq = (this.segments.at(-1)?.seq ?? 0) + 1;
    const path = join(this.dir, segmentName(seq));
    const headerFrame = encodeBatch(
      this.lastSeq + 1,
      header.map((i) => i.payload),
    );
    const frames = [headerFrame];
    if (items.length > 0)
      frames.push(
        encodeBatch(
          this.lastSeq + 2,
          items.map((i) => i.payload),
        ),
      );
    const data = Buffer.concat(frames);
    try {
      await writeFully(prepared.fh, data, FIRST_BATCH_OFFSET);
      await datasync(prepared.fh, this.syncs);
      await rename(prepared.path, path);
    } catch (e) {
      await discard(prepared);
      throw e;
    }
    await this.active?.close();
    this.active = prepared.fh;
    await syncDir(this.dir, this.syncs);
    this.preallocator.prepare();
    this.lastSeq += frames.length;
    this.segments.push({
      seq,
      path,
      size: FIRST_BATCH_OFFSET + data.length,
      headerEnd: FIRST_BATCH_OFFSET + headerFrame.length,
      maxEntryIndex: items.reduce((m, i) => Math.max(m, i.entryIndex), 0),
      writable: true,
    });
  }

  /** After a failed write the file may hold a partial batch; refuse further writes. */
  private async guard(op: () => Promise<void>): Promise<void> {
    if (this.broken) throw this.broken;
    try {
      await op();
    } catch (e) {
      this.broken = e instanceof Error ? e : new Error(String(e));
      throw e;
    }
  }
}

async function discard(prepared: PreparedSegment): Promise<void> {
  await prepared.fh.close().catch(() => undefined);
  await unlink(prepared.path).catch(() => undefined);
}

async function truncateFile(path: string, length: number, syncs: SyncCounter): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.truncate(length);
    await fsync(fh, syncs);
  } finally {
    await fh.close();
  }
}
