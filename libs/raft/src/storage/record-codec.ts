import { CorruptLogError } from './corrupt-log-error.js';
import { crc32 } from './crc32.js';

/**
 * Record framing: [u32 length][u32 ~length][u32 crc32(payload)][payload], big-endian.
 * The inverted length makes the header self-checking, so a damaged length is reported as
 * corruption instead of being mistaken for a record cut short by a crash.
 */
export const RECORD_HEADER_BYTES = 12;
/** Upper bound on one payload; larger lengths can only be damage. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export function encodeRecord(payload: Uint8Array): Buffer {
  if (payload.length === 0 || payload.length > MAX_RECORD_BYTES) {
    throw new RangeError(`record payload of ${payload.length} bytes (1..${MAX_RECORD_BYTES} allowed)`);
  }
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(~payload.length >>> 0, 4);
  out.writeUInt32BE(crc32(payload), 8);
  out.set(payload, RECORD_HEADER_BYTES);
  return out;
}

export interface ScannedRecord {
  /** Byte offset of the record's header in the file. */
  readonly offset: number;
  readonly payload: Buffer;
}

export interface ScanResult {
  readonly records: ScannedRecord[];
  /** Length of the valid prefix; less than the file when a torn tail was found. */
  readonly validBytes: number;
}

/**
 * Splits `buf` (a whole file) into records. With `allowTornTail`, damage confined to the end of
 * the file — a record cut short, a last record whose CRC fails, or a zero-filled tail — ends the
 * scan (the caller truncates there). Any other damage throws CorruptLogError naming `file` and
 * the record's offset.
 */
export function scanRecords(buf: Buffer, file: string, allowTornTail: boolean, what = 'log'): ScanResult {
  const records: ScannedRecord[] = [];
  let pos = 0;
  const fail = (reason: string): never => {
    throw new CorruptLogError(file, pos, reason, what);
  };
  const torn = (reason: string): ScanResult => (allowTornTail ? { records, validBytes: pos } : fail(reason));
  while (pos < buf.length) {
    if (buf.length - pos < RECORD_HEADER_BYTES) return torn('truncated record header');
    const len = buf.readUInt32BE(pos);
    const check = buf.readUInt32BE(pos + 4);
    if (len === 0 && check === 0) {
      // A crash can leave the file extended with zeros past the last write.
      return allZero(buf, pos) ? torn('zero-filled tail') : fail('bad record header');
    }
    if (~len >>> 0 !== check || len > MAX_RECORD_BYTES) fail('bad record header');
    const end = pos + RECORD_HEADER_BYTES + len;
    if (end > buf.length) return torn('truncated record');
    const payload = buf.subarray(pos + RECORD_HEADER_BYTES, end);
    if (crc32(payload) !== buf.readUInt32BE(pos + 8)) {
      if (end === buf.length) return torn('CRC mismatch');
      fail('CRC mismatch');
    }
    records.push({ offset: pos, payload });
    pos = end;
  }
  return { records, validBytes: pos };
}

function allZero(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}
