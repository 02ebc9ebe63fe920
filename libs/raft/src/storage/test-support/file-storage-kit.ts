import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '../../core/types.js';
import { FileStorage, type FileStorageOptions } from '../file-storage.js';
import { decodeLogRecord, type LogRecord } from '../log-records.js';
import { RECORD_HEADER_BYTES } from '../record-codec.js';
import { scanSegment } from '../segment-scan.js';

/**
 * Temp dirs and open storages of one spec file, torn down by `cleanup()` (call it from afterEach,
 * which runs on failure too). Kept free of vitest so it type-checks with the library.
 */
export class FileStorageKit {
  private readonly dirs: string[] = [];
  private readonly opened: FileStorage[] = [];

  constructor(private readonly defaults: FileStorageOptions = { segmentBytes: 4096 }) {}

  async tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'raft-fs-'));
    this.dirs.push(dir);
    return dir;
  }

  async open(dir: string, options: FileStorageOptions = {}): Promise<FileStorage> {
    const s = await FileStorage.open(dir, { ...this.defaults, ...options });
    this.opened.push(s);
    return s;
  }

  /** Closes every storage opened so far (a "clean shutdown" before the files are inspected). */
  async closeAll(): Promise<void> {
    for (const s of this.opened.splice(0)) await s.close();
  }

  async cleanup(): Promise<void> {
    for (const s of this.opened.splice(0)) await s.close().catch(() => undefined);
    for (const d of this.dirs.splice(0)) await rm(d, { recursive: true, force: true });
  }
}

/** Segment files of `dir`, oldest first. */
export async function segmentsOf(dir: string): Promise<string[]> {
  return (await readdir(dir))
    .filter((f) => f.endsWith('.seg'))
    .sort()
    .map((f) => join(dir, f));
}

export interface BatchExtent {
  /** Offset of the batch's frame. */
  readonly offset: number;
  /** End of its frame (before the sector padding). */
  readonly end: number;
  readonly seq: number;
  readonly records: LogRecord[];
}

/** The batches of a (batched) segment file. */
export async function batchesOf(path: string): Promise<BatchExtent[]> {
  const { batches } = scanSegment(await readFile(path), path, false, null);
  return batches.map((b) => ({
    offset: b.offset,
    end: b.offset + RECORD_HEADER_BYTES + 9 + b.records.reduce((n, r) => n + 4 + r.length, 0),
    seq: b.seq ?? -1,
    records: b.records.map((r) => {
      const rec = decodeLogRecord(r);
      if (typeof rec === 'string') throw new Error(`${path}: ${rec}`);
      return rec;
    }),
  }));
}

/** `n` entries of `bytes` bytes each from `from` at `term` (the benchmark's shape: 64 × 256 B). */
export function bigEntries(from: number, n = 64, term = 1, bytes = 256): Entry[] {
  return Array.from({ length: n }, (_, i) => ({
    index: from + i,
    term,
    kind: 'normal' as const,
    data: new Uint8Array(bytes).fill((from + i) % 251),
  }));
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
