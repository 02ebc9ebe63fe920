import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** Makes a directory's entries (created, renamed, removed files) durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
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

/** Suffix of the temporary files used by `replaceFileAtomic`; leftovers are deleted on open. */
export const TEMP_SUFFIX = '.tmp';

/**
 * Replaces `dir/name` with `data` so that a crash leaves either the old or the new content:
 * write a temp file, fsync it, rename it over the target, fsync the directory.
 */
export async function replaceFileAtomic(dir: string, name: string, data: Uint8Array): Promise<void> {
  const target = join(dir, name);
  const temp = target + TEMP_SUFFIX;
  const fh = await open(temp, 'w');
  try {
    await writeFully(fh, data, 0);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(temp, target);
  await syncDir(dir);
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
