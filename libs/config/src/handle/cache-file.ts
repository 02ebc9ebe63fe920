import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { StoredValue } from './config-state.js';

/** What the cache file holds: the last good values read from the store, as stored JSON text. */
export interface CacheContents {
  service: string;
  /** Highest store revision the values reflect. */
  revision: number;
  values: StoredValue[];
}

/**
 * Writes the cache atomically: a temp file in the same directory, flushed, then renamed over the
 * old one, so a crash leaves the previous cache or the new one, never half of either.
 */
export async function writeCacheFile(path: string, contents: CacheContents): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const file = await open(temp, 'w', 0o600);
  try {
    await file.writeFile(JSON.stringify(contents));
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The cache for `service`, or undefined when there is none; throws with the reason when it is unreadable. */
export async function readCacheFile(path: string, service: string): Promise<CacheContents | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const contents = JSON.parse(text) as Partial<CacheContents>;
  if (
    contents.service !== service ||
    !Array.isArray(contents.values) ||
    typeof contents.revision !== 'number'
  ) {
    throw new Error(`config cache ${path} is not a cache of service "${service}"`);
  }
  return contents as CacheContents;
}

/** Runs cache writes one at a time, always writing the latest contents; a burst of changes costs one or two writes. */
export class CacheWriter {
  private pending: CacheContents | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  write(contents: CacheContents): void {
    this.pending = contents;
    this.running ??= this.drain();
  }

  /** Resolves when every requested write has finished. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const next = this.pending;
      this.pending = undefined;
      try {
        await writeCacheFile(this.path, next);
      } catch (error) {
        this.onError(error);
      }
    }
    this.running = undefined;
  }
}
