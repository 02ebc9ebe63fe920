import { join } from 'node:path';
import type { MembershipConfig, Snapshot } from '../core/types.js';
import { CorruptLogError } from './corrupt-log-error.js';
import { readIfExists, replaceFileAtomic, type SyncCounter } from './durable-fs.js';
import { encodeRecord, scanRecords } from './record-codec.js';

export const SNAPSHOT_FILE = 'snapshot';

/**
 * The latest snapshot as one CRC'd record: [u32 meta length][meta JSON][data]. Replaced
 * atomically (temp file, fsync, rename, fsync dir); a torn temp file is deleted on open.
 */
export async function writeSnapshot(dir: string, snapshot: Snapshot, counter: SyncCounter): Promise<void> {
  const { index, term, config } = snapshot.meta;
  const meta = Buffer.from(
    JSON.stringify({ index, term, voters: config.voters, learners: config.learners }),
    'utf8',
  );
  const payload = Buffer.allocUnsafe(4 + meta.length + snapshot.data.length);
  payload.writeUInt32BE(meta.length, 0);
  payload.set(meta, 4);
  payload.set(snapshot.data, 4 + meta.length);
  await replaceFileAtomic(dir, SNAPSHOT_FILE, encodeRecord(payload), counter);
}

export async function readSnapshot(dir: string): Promise<Snapshot | null> {
  const path = join(dir, SNAPSHOT_FILE);
  const buf = await readIfExists(path);
  if (buf === null) return null;
  const { records } = scanRecords(buf, path, false, 'snapshot');
  const bad = (reason: string): never => {
    throw new CorruptLogError(path, 0, reason, 'snapshot');
  };
  if (records.length !== 1) bad(`expected 1 record, found ${records.length}`);
  const payload = records[0].payload;
  const metaLen = payload.readUInt32BE(0);
  if (4 + metaLen > payload.length) bad('meta length beyond record');
  const meta = JSON.parse(payload.toString('utf8', 4, 4 + metaLen)) as Record<string, unknown>;
  const { index, term, voters, learners } = meta;
  if (typeof index !== 'number' || typeof term !== 'number' || !isStrings(voters) || !isStrings(learners)) {
    return bad('malformed snapshot meta');
  }
  const config: MembershipConfig = { voters, learners };
  // Copy: callers keep the data, not a view into the file buffer.
  return { meta: { index, term, config }, data: new Uint8Array(payload.subarray(4 + metaLen)) };
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}
