import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** Counts every fsync/fdatasync (directories included), for `Storage.stats()`. */
export interface SyncCounter {
  syncs: number;
}

/** fdatasync: the file's data and the metadata needed to read it back (e.g. a grown size). */
export async function datasync(fh: FileHandle, counter: SyncCounter): Promise<void> {
  await fh.datasync();
  counter.syncs++;
}

/** fsync: data and all metadata. */
export async function fsync(fh: FileHandle, counter: SyncCounter): Promise<void> {
  await fh.sync();
  counter.syncs++;
}

/** Makes a directory's entries (created, renamed, removed files) durable. */
export async function syncDir(dir: string, counter: SyncCounter): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fsync(fh, counter);
  } finally {
    await fh.close();
  }
}

/** Writes all of `data` at `position` (a short write is retried, not ignored). */
export async function writeFully(fh: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

const ZERO_CHUNK = Buffer.alloc(1024 * 1024);

/** Writes real zeros over [from, to): unlike ftruncate, this allocates the blocks. */
export async function writeZeros(fh: FileHandle, from: number, to: number): Promise<void> {
  for (let at = from; at < to; at += ZERO_CHUNK.length) {
    await writeFully(fh, ZERO_CHUNK.subarray(0, Math.min(ZERO_CHUNK.length, to - at)), at);
  }
}

/** Suffix of temporary files (atomic replaces, prepared segments); leftovers are deleted on open. */
export const TEMP_SUFFIX = '.tmp';

/**
 * Replaces `dir/name` with `data` so that a crash leaves either the old or the new content:
 * write a temp file, fsync it, rename it over the target, fsync the directory.
 */
export async function replaceFileAtomic(
  dir: string,
  name: string,
  data: Uint8Array | readonly Uint8Array[],
  counter: SyncCounter,
): Promise<void> {
  const target = join(dir, name);
  const temp = target + TEMP_SUFFIX;
  const fh = await open(temp, 'w');
  try {
    // Parts are written one after the other: a large payload is never copied to join them.
    let position = 0;
    for (const part of data instanceof Uint8Array ? [data] : data) {
      await writeFully(fh, part, position);
      position += part.length;
    }
    await fsync(fh, counter);
  } finally {
    await fh.close();
  }
  await rename(temp, target);
  await syncDir(dir, counter);
}

/** The file's bytes, or null if it does not exist. */
export async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
