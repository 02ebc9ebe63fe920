import { join } from 'node:path';
import { CorruptLogError } from './corrupt-log-error.js';
import { readIfExists, replaceFileAtomic, type SyncCounter } from './durable-fs.js';
import { encodeRecord, scanRecords } from './record-codec.js';

/** The cluster a data dir belongs to: one CRC'd record holding the id (UTF-8), written once. */
export const CLUSTER_ID_FILE = 'cluster-id';

/** Opening a data dir with the id of another cluster: its log and votes must not mix with ours. */
export class ClusterIdMismatchError extends Error {
  constructor(
    readonly dir: string,
    readonly stored: string,
    readonly expected: string,
  ) {
    super(`raft data dir ${dir} belongs to cluster ${stored}, not ${expected}`);
    this.name = 'ClusterIdMismatchError';
  }
}

export async function readClusterId(dir: string): Promise<string | null> {
  const path = join(dir, CLUSTER_ID_FILE);
  const buf = await readIfExists(path);
  if (buf === null) return null;
  // Written by atomic replace only: any damage is corruption, not a torn write.
  const { records } = scanRecords(buf, path, false, 'cluster id');
  if (records.length !== 1)
    throw new CorruptLogError(path, 0, `expected 1 record, found ${records.length}`, 'cluster id');
  return records[0].payload.toString('utf8');
}

/**
 * Returns the dir's cluster id after checking it against `expected`. A dir without one (new, or
 * written before ids were recorded) takes `expected`; without `expected` nothing is checked.
 */
export async function checkClusterId(
  dir: string,
  expected: string | undefined,
  counter: SyncCounter,
): Promise<string | null> {
  const stored = await readClusterId(dir);
  if (expected === undefined) return stored;
  if (expected.length === 0) throw new RangeError('cluster id must not be empty');
  if (stored === null) {
    await replaceFileAtomic(dir, CLUSTER_ID_FILE, encodeRecord(Buffer.from(expected, 'utf8')), counter);
    return expected;
  }
  if (stored !== expected) throw new ClusterIdMismatchError(dir, stored, expected);
  return stored;
}
