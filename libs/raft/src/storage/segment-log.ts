import { open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptLogError } from './corrupt-log-error.js';
import { syncDir, writeFully } from './durable-fs.js';
import { encodeRecord, scanRecords } from './record-codec.js';

const SEGMENT_NAME = /^(\d{16})\.seg$/;

export function segmentName(seq: number): string {
  return `${String(seq).padStart(16, '0')}.seg`;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  size: number;
  /** Highest entry index written to this segment (0: none); decides when it can be dropped. */
  maxEntryIndex: number;
}

export interface LogItem {
  readonly payload: Uint8Array;
  /** The entry index this record writes, or 0 for a marker record. */
  readonly entryIndex: number;
}

/**
 * Called for each stored record, in order, while opening; returns the entry index it writes
 * (0 for markers). Throwing aborts the open.
 */
export type Replay = (payload: Buffer, file: string, offset: number) => number;

/**
 * Append-only record log split into numbered segment files. Only the last segment is written;
 * a new one is started once a write would take the active one past `segmentBytes`. Old
 * segments are only ever deleted whole, oldest first. Every append is fdatasync'd, every
 * created or deleted file is made durable with a directory fsync.
 */
export class SegmentLog {
  private broken: Error | null = null;

  private constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    private readonly segments: Segment[],
    private active: FileHandle,
  ) {}

  /**
   * Replays every record. A torn tail of the last segment (see scanRecords) is cut off; any
   * other damage, or a missing segment in the sequence, throws CorruptLogError.
   */
  static async open(dir: string, segmentBytes: number, replay: Replay): Promise<SegmentLog> {
    const seqs = (await readdir(dir))
      .map((name) => SEGMENT_NAME.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const segments: Segment[] = [];
    for (let i = 0; i < seqs.length; i++) {
      const path = join(dir, segmentName(seqs[i]));
      if (i > 0 && seqs[i] !== seqs[i - 1] + 1) {
        throw new CorruptLogError(path, 0, `segment ${segmentName(seqs[i - 1] + 1)} is missing`);
      }
      const isLast = i === seqs.length - 1;
      const buf = await readFile(path);
      const { records, validBytes } = scanRecords(buf, path, isLast);
      const seg: Segment = { seq: seqs[i], path, size: validBytes, maxEntryIndex: 0 };
      for (const r of records)
        seg.maxEntryIndex = Math.max(seg.maxEntryIndex, replay(r.payload, path, r.offset));
      if (validBytes < buf.length) await truncateFile(path, validBytes);
      segments.push(seg);
    }
    if (segments.length === 0) {
      segments.push(await createSegment(dir, 1));
    }
    const last = segments[segments.length - 1];
    return new SegmentLog(dir, segmentBytes, segments, await open(last.path, 'r+'));
  }

  /** Appends the records durably; they may spill into new segments. */
  async append(items: readonly LogItem[]): Promise<void> {
    await this.guard(async () => {
      let batch: Buffer[] = [];
      let batchBytes = 0;
      let maxIndex = 0;
      for (const item of items) {
        const frame = encodeRecord(item.payload);
        const seg = this.current();
        if (seg.size + batchBytes > 0 && seg.size + batchBytes + frame.length > this.segmentBytes) {
          await this.write(batch, batchBytes, maxIndex);
          await this.startSegment();
          batch = [];
          batchBytes = 0;
          maxIndex = 0;
        }
        batch.push(frame);
        batchBytes += frame.length;
        maxIndex = Math.max(maxIndex, item.entryIndex);
      }
      await this.write(batch, batchBytes, maxIndex);
    });
  }

  /** Starts a new segment unless the active one is empty. */
  async roll(): Promise<void> {
    await this.guard(async () => {
      if (this.current().size > 0) await this.startSegment();
    });
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
      if (dropped > 0) await syncDir(this.dir);
    });
  }

  /** Segment file paths, oldest first (for tests and diagnostics). */
  files(): string[] {
    return this.segments.map((s) => s.path);
  }

  async close(): Promise<void> {
    this.broken ??= new Error('segment log closed');
    await this.active.close();
  }

  private current(): Segment {
    return this.segments[this.segments.length - 1];
  }

  private async write(frames: Buffer[], bytes: number, maxIndex: number): Promise<void> {
    if (bytes === 0) return;
    const seg = this.current();
    await writeFully(this.active, frames.length === 1 ? frames[0] : Buffer.concat(frames, bytes), seg.size);
    await this.active.datasync();
    seg.size += bytes;
    seg.maxEntryIndex = Math.max(seg.maxEntryIndex, maxIndex);
  }

  private async startSegment(): Promise<void> {
    const seg = await createSegment(this.dir, this.current().seq + 1);
    await this.active.close();
    this.segments.push(seg);
    this.active = await open(seg.path, 'r+');
  }

  /** After a failed write the file may hold a partial record; refuse further writes. */
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

async function createSegment(dir: string, seq: number): Promise<Segment> {
  const path = join(dir, segmentName(seq));
  const fh = await open(path, 'wx');
  await fh.close();
  await syncDir(dir);
  return { seq, path, size: 0, maxEntryIndex: 0 };
}

async function truncateFile(path: string, length: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.truncate(length);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
