import { join } from 'node:path';
import type { MembershipConfig, Snapshot } from '../core/types.js';
import { CorruptLogError } from './corrupt-log-error.js';
import { crc32 } from './crc32.js';
import { readIfExists, replaceFileAtomic, type SyncCounter } from './durable-fs.js';
import { scanRecords } from './record-codec.js';

export const SNAPSHOT_FILE = 'snapshot';

/**
 * The latest snapshot:
 *
 *   magic "FLSNAP02" | u32 meta length | f64 data length | u32 CRC-32 of (meta, data) | meta JSON | data
 *
 * Written as its parts, never joined into one buffer: a snapshot of a large state is hundreds of
 * MiB, and every copy of it stalls the event loop (heartbeats) and doubles the memory it needs.
 * Replaced atomically (temp file, fsync, rename, fsync dir); a torn temp file is deleted on open.
 * Files in the earlier format (one CRC'd record) are still read.
 */
const MAGIC = Buffer.from('FLSNAP02', 'latin1');
const HEADER_BYTES = MAGIC.length + 4 + 8 + 4;

export async function writeSnapshot(dir: string, snapshot: Snapshot, counter: SyncCounter): Promise<void> {
  const { index, term, config } = snapshot.meta;
  const meta = Buffer.from(
    JSON.stringify({ index, term, voters: config.voters, learners: config.learners }),
    'utf8',
  );
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(meta.length, MAGIC.length);
  header.writeDoubleLE(snapshot.data.length, MAGIC.length + 4);
  header.writeUInt32LE(await crc32InSlices(snapshot.data, crc32(meta)), MAGIC.length + 12);
  await replaceFileAtomic(dir, SNAPSHOT_FILE, [header, meta, snapshot.data], counter);
}

export async function readSnapshot(dir: string): Promise<Snapshot | null> {
  const path = join(dir, SNAPSHOT_FILE);
  const buf = await readIfExists(path);
  if (buf === null) return null;
  const bad = (reason: string): never => {
    throw new CorruptLogError(path, 0, reason, 'snapshot');
  };
  let metaJson: string;
  let data: Uint8Array;
  if (buf.length >= MAGIC.length && buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    if (buf.length < HEADER_BYTES) bad('truncated header');
    const metaLen = buf.readUInt32LE(MAGIC.length);
    const dataLen = buf.readDoubleLE(MAGIC.length + 4);
    if (HEADER_BYTES + metaLen + dataLen !== buf.length) {
      bad(`length mismatch: header says ${HEADER_BYTES + metaLen + dataLen} bytes, file has ${buf.length}`);
    }
    const metaBytes = buf.subarray(HEADER_BYTES, HEADER_BYTES + metaLen);
    data = buf.subarray(HEADER_BYTES + metaLen);
    if (crc32(data, crc32(metaBytes)) !== buf.readUInt32LE(MAGIC.length + 12)) bad('CRC mismatch');
    metaJson = metaBytes.toString('utf8');
  } else {
    // The earlier format: [u32 meta length][meta JSON][data] framed as one record.
    const { records } = scanRecords(buf, path, false, 'snapshot');
    if (records.length !== 1) bad(`expected 1 record, found ${records.length}`);
    const payload = records[0].payload;
    const metaLen = payload.readUInt32BE(0);
    if (4 + metaLen > payload.length) bad('meta length beyond record');
    metaJson = payload.toString('utf8', 4, 4 + metaLen);
    data = payload.subarray(4 + metaLen);
  }
  const meta = parseMeta(metaJson) ?? bad('malformed snapshot meta');
  // A plain view into the buffer just read, which nothing else holds: no copy of a large state.
  return { meta, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

const CRC_SLICE_BYTES = 16 << 20;

/** The CRC of a large buffer in slices, letting other work (heartbeats) run between them. */
async function crc32InSlices(data: Uint8Array, previous: number): Promise<number> {
  let crc = previous;
  for (let at = 0; at < data.length; at += CRC_SLICE_BYTES) {
    if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    crc = crc32(data.subarray(at, at + CRC_SLICE_BYTES), crc);
  }
  return crc;
}

function parseMeta(json: string): Snapshot['meta'] | null {
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
  const { index, term, voters, learners } = meta;
  if (typeof index !== 'number' || typeof term !== 'number' || !isStrings(voters) || !isStrings(learners)) {
    return null;
  }
  const config: MembershipConfig = { voters, learners };
  return { index, term, config };
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}
