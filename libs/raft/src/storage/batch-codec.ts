import { crc32 } from './crc32.js';
import { readU64, writeU64 } from './log-records.js';
import { MAX_RECORD_BYTES, RECORD_HEADER_BYTES } from './record-codec.js';

/**
 * Every write to a segment is one batch: a single framed record (record-codec.ts) whose payload is
 * [u8 0xB7][u64 seq][u32 length][record] ..., padded with zeros to a whole number of sectors.
 * The CRC covers the whole batch, so a torn write loses all of it, never a part; `seq` counts
 * batches across segments (each one is the previous plus 1). Starting every write on a sector
 * boundary means a torn write can only damage its own sectors, never an acknowledged one.
 */
export const SECTOR_BYTES = 512;
export const BATCH_TAG = 0xb7;
const BATCH_HEAD_BYTES = 9;

export function alignToSector(n: number): number {
  return Math.ceil(n / SECTOR_BYTES) * SECTOR_BYTES;
}

/** The frame of one batch, zero-padded to whole sectors. */
export function encodeBatch(seq: number, records: readonly Uint8Array[]): Buffer {
  let payloadBytes = BATCH_HEAD_BYTES;
  for (const r of records) payloadBytes += 4 + r.length;
  if (payloadBytes > MAX_RECORD_BYTES) {
    throw new RangeError(`batch of ${payloadBytes} bytes (at most ${MAX_RECORD_BYTES} allowed)`);
  }
  const out = Buffer.alloc(alignToSector(RECORD_HEADER_BYTES + payloadBytes));
  const payload = out.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + payloadBytes);
  payload.writeUInt8(BATCH_TAG, 0);
  writeU64(payload, seq, 1);
  let at = BATCH_HEAD_BYTES;
  for (const r of records) {
    payload.writeUInt32BE(r.length, at);
    payload.set(r, at + 4);
    at += 4 + r.length;
  }
  out.writeUInt32BE(payloadBytes, 0);
  out.writeUInt32BE(~payloadBytes >>> 0, 4);
  out.writeUInt32BE(crc32(payload), 8);
  return out;
}

export interface Batch {
  readonly seq: number;
  readonly records: Buffer[];
}

/** Splits a batch payload that passed its CRC; returns an error message if it is malformed. */
export function decodeBatch(payload: Buffer): Batch | string {
  if (payload.length < BATCH_HEAD_BYTES || payload.readUInt8(0) !== BATCH_TAG) return 'not a batch';
  const seq = readU64(payload, 1);
  const records: Buffer[] = [];
  let at = BATCH_HEAD_BYTES;
  while (at < payload.length) {
    if (payload.length - at < 4) return 'malformed batch';
    const len = payload.readUInt32BE(at);
    if (at + 4 + len > payload.length) return 'malformed batch';
    records.push(payload.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return { seq, records };
}
