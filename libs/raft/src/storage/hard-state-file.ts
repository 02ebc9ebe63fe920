import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { HardState } from '../core/types.js';
import { CorruptLogError } from './corrupt-log-error.js';
import { readIfExists, replaceFileAtomic, syncDir, type SyncCounter } from './durable-fs.js';
import { encodeRecord, scanRecords } from './record-codec.js';

/**
 * The old home of the hard state, before it moved into the log: one CRC'd JSON record
 * `{term, vote, commit}`, replaced atomically on every change. Read once when opening a data dir
 * written by that version, then deleted. Writing it is kept for tests and the storage benchmark.
 */
export const HARD_STATE_FILE = 'hard-state';

export async function writeHardState(dir: string, hs: HardState, counter: SyncCounter): Promise<void> {
  const payload = Buffer.from(JSON.stringify({ term: hs.term, vote: hs.vote, commit: hs.commit }), 'utf8');
  await replaceFileAtomic(dir, HARD_STATE_FILE, encodeRecord(payload), counter);
}

/** The stored hard state, or null if there is no such file. */
export async function readHardState(dir: string): Promise<HardState | null> {
  const path = join(dir, HARD_STATE_FILE);
  const buf = await readIfExists(path);
  if (buf === null) return null;
  // The file only ever appeared by rename after fsync, so any damage is real corruption.
  const { records } = scanRecords(buf, path, false, 'hard state');
  if (records.length !== 1)
    throw new CorruptLogError(path, 0, `expected 1 record, found ${records.length}`, 'hard state');
  const parsed = JSON.parse(records[0].payload.toString('utf8')) as Record<string, unknown>;
  const { term, vote, commit } = parsed;
  if (
    typeof term !== 'number' ||
    typeof commit !== 'number' ||
    !(vote === null || typeof vote === 'string')
  ) {
    throw new CorruptLogError(path, 0, 'malformed hard state', 'hard state');
  }
  return { term, vote, commit };
}

/** Deletes the old file once the log holds its content. */
export async function removeHardStateFile(dir: string, counter: SyncCounter): Promise<void> {
  await unlink(join(dir, HARD_STATE_FILE));
  await syncDir(dir, counter);
}
