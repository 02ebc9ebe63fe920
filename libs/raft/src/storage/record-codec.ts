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

/** What `readFrame` found at an offset. */
export type FrameAt =
  | { readonly kind: 'ok'; readonly payload: Buffer; readonly end: number }
  /** 12 zero bytes: end of data, or a header lost to a torn write. */
  | { readonly kind: 'zero' }
  /** Length and inverted length disagree (or exceed the limit): the header itself is damaged. */
  | { readonly kind: 'bad-header' }
  /** Fewer than 12 bytes, or a length running past the end of `buf`. */
  | { readonly kind: 'truncated' }
  /** Intact header, payload fails its CRC; `end` is where the frame would end. */
  | { readonly kind: 'crc'; readonly end: number };

/** Reads the frame at `pos` of `buf` (which holds a whole file). */
export function readFrame(buf: Buffer, pos: number): FrameAt {
  if (buf.length - pos < RECORD_HEADER_BYTES) return { kind: 'truncated' };
  const len = buf.readUInt32BE(pos);
  const check = buf.readUInt32BE(pos + 4);
  if (len === 0 && check === 0 && buf.readUInt32BE(pos + 8) === 0) return { kind: 'zero' };
  if (~len >>> 0 !== check || len === 0 || len > MAX_RECORD_BYTES) return { kind: 'bad-header' };
  const end = pos + RECORD_HEADER_BYTES + len;
  if (end > buf.length) return { kind: 'truncated' };
  const payload = buf.subarray(pos + RECORD_HEADER_BYTES, end);
  if (crc32(payload) !== buf.readUInt32BE(pos + 8)) return { kind: 'crc', end };
  return { kind: 'ok', payload, end };
}

/**
 * Splits `buf` (a whole file of back-to-back records) into records. With `allowTornTail`, damage
 * confined to the end of the file — a record cut short, a last record whose CRC fails, or a
 * zero-filled tail — ends the scan (the caller truncates there). Any other damage throws
 * CorruptLogError naming `file` and the record's offset. Used for the small single-record files
 * and for log segments written before batches (see segment-scan.ts for those).
 */
export function scanRecords(buf: Buffer, file: string, allowTornTail: boolean, what = 'log'): ScanResult {
  const records: ScannedRecord[] = [];
  let pos = 0;
  const fail = (reason: string): never => {
    throw new CorruptLogError(file, pos, reason, what);
  };
  const torn = (reason: string): ScanResult => (allowTornTail ? { records, validBytes: pos } : fail(reason));
  while (pos < buf.length) {
    const frame = readFrame(buf, pos);
    switch (frame.kind) {
      case 'ok':
        records.push({ offset: pos, payload: frame.payload });
        pos = frame.end;
        break;
      case 'zero':
        // A crash can leave the file extended with zeros past the last write.
        return isZero(buf, pos) ? torn('zero-filled tail') : fail('bad record header');
      case 'bad-header':
        return fail('bad record header');
      case 'truncated':
        return torn(buf.length - pos < RECORD_HEADER_BYTES ? 'truncated record header' : 'truncated record');
      case 'crc':
        return frame.end === buf.length ? torn('CRC mismatch') : fail('CRC mismatch');
    }
  }
  return { records, validBytes: pos };
}

const ZEROS = Buffer.alloc(64 * 1024);

/** Offset of the first non-zero byte in [from, buf.length), or -1 (compares whole chunks natively). */
export function nextNonZero(buf: Buffer, from: number): number {
  for (let at = from; at < buf.length; at += ZEROS.length) {
    const end = Math.min(buf.length, at + ZEROS.length);
    if (buf.compare(ZEROS, 0, end - at, at, end) === 0) continue;
    for (let i = at; i < end; i++) if (buf[i] !== 0) return i;
  }
  return -1;
}

/** True if [from, buf.length) holds only zeros. */
export function isZero(buf: Buffer, from: number): boolean {
  return nextNonZero(buf, from) < 0;
}

/** One past the last non-zero byte in [from, buf.length), or `from` if all are zero. */
export function endOfNonZero(buf: Buffer, from: number): number {
  for (let end = buf.length; end > from; end -= ZEROS.length) {
    const at = Math.max(from, end - ZEROS.length);
    if (buf.compare(ZEROS, 0, end - at, at, end) === 0) continue;
    for (let i = end - 1; i >= at; i--) if (buf[i] !== 0) return i + 1;
  }
  return from;
}
