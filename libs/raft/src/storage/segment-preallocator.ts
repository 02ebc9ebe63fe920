import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsync, TEMP_SUFFIX, writeFully, writeZeros, type SyncCounter } from './durable-fs.js';
import { SEGMENT_MAGIC } from './segment-scan.js';

/** A zero-filled segment file under a temporary name, its size durable, ready to be renamed. */
export interface PreparedSegment {
  readonly path: string;
  readonly fh: FileHandle;
}

/**
 * Keeps one segment file prepared ahead, in the background (like etcd's file pipeline): the magic
 * sector and real zeros up to the full size, then fsync. Writing zeros instead of a sparse
 * ftruncate allocates the blocks, so appends later overwrite allocated space and fdatasync has
 * no size or extent metadata to write; preparing ahead keeps that cost out of the save that rolls.
 */
export class SegmentPreallocator {
  private next: Promise<PreparedSegment> | null = null;
  private made = 0;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly bytes: number,
    private readonly syncs: SyncCounter,
  ) {}

  /** Starts preparing a file unless one is prepared or in progress. */
  prepare(): void {
    if (this.next || this.closed) return;
    const next = this.create(this.nextPath());
    // Failures surface in take(); this only keeps them from being reported as unhandled.
    next.catch(() => undefined);
    this.next = next;
  }

  /**
   * The prepared file (waiting for it if it is still being written). The caller starts the next
   * one with prepare() once it is done with this one, so that the two do not compete for the disk.
   */
  async take(): Promise<PreparedSegment> {
    if (this.closed) throw new Error('segment preallocator closed');
    const next = this.next ?? this.create(this.nextPath());
    this.next = null;
    return next;
  }

  /** Resolves once no file is being written (for tests and benchmarks that count syncs). */
  async settled(): Promise<void> {
    await this.next?.catch(() => undefined);
  }

  /** Waits for any file in progress, then closes and deletes the unused one. */
  async close(): Promise<void> {
    this.closed = true;
    const next = this.next;
    this.next = null;
    const prepared = await next?.catch(() => null);
    if (prepared) {
      await prepared.fh.close();
      await unlink(prepared.path).catch(() => undefined);
    }
  }

  private nextPath(): string {
    return join(this.dir, `prepared-${this.made++}.seg${TEMP_SUFFIX}`);
  }

  private async create(path: string): Promise<PreparedSegment> {
    const fh = await open(path, 'w+');
    try {
      await writeFully(fh, SEGMENT_MAGIC, 0);
      await writeZeros(fh, SEGMENT_MAGIC.length, this.bytes);
      await fsync(fh, this.syncs);
      return { path, fh };
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw e;
    }
  }
}
