import { join } from 'node:path';
import { EMPTY_HARD_STATE, type HardState } from '../core/types.js';
import { CorruptLogError } from './corrupt-log-error.js';
import { readIfExists, replaceFileAtomic } from './durable-fs.js';
import { encodeRecord, scanRecords } from './record-codec.js';

export const HARD_STATE_FILE = 'hard-state';

/** Term, vote and commit in one CRC'd record, replaced atomically on every change. */
export async function writeHardState(dir: string, hs: HardState): Promise<void> {
  const payload = Buffer.from(JSON.stringify({ term: hs.term, vote: hs.vote, commit: hs.commit }), 'utf8');
  await replaceFileAtomic(dir, HARD_STATE_FILE, encodeRecord(payload));
}

export async function readHardState(dir: string): Promise<HardState> {
  const path = join(dir, HARD_STATE_FILE);
  const buf = await readIfExists(path);
  if (buf === null) return EMPTY_HARD_STATE;
  // The file only ever appears by rename after fsync, so any damage is real corruption.
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
