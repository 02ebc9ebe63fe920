import { alignToSector, decodeBatch, SECTOR_BYTES } from './batch-codec.js';
import { CorruptLogError } from './corrupt-log-error.js';
import { endOfNonZero, isZero, readFrame, RECORD_HEADER_BYTES, scanRecords } from './record-codec.js';

/**
 * A segment file starts with a sector holding this magic, then batches (batch-codec.ts), then
 * zeros up to its preallocated size. Files without it are segments from before batches: back-to-back
 * records, one per log record, still read (see scanRecords) but never written again.
 */
export const SEGMENT_MAGIC = Buffer.from('flotilla raft segment v2\n', 'utf8');
export const FIRST_BATCH_OFFSET = SECTOR_BYTES;

export interface ScannedBatch {
  /** Byte offset of the batch's frame in the file. */
  readonly offset: number;
  /** null for a record of an old-format segment. */
  readonly seq: number | null;
  readonly records: readonly Buffer[];
}

export interface SegmentScan {
  /** False for an old-format segment. */
  readonly batched: boolean;
  readonly batches: ScannedBatch[];
  /** End of the valid data: where the next write goes. */
  readonly end: number;
  /** One past the last non-zero byte of a torn tail that must be cleared; `end` if none. */
  readonly tornEnd: number;
}

export function isBatchedSegment(buf: Buffer): boolean {
  return buf.length >= SEGMENT_MAGIC.length && SEGMENT_MAGIC.equals(buf.subarray(0, SEGMENT_MAGIC.length));
}

/**
 * Splits a whole segment file into batches. After the last batch come zeros (the preallocated
 * rest). A damaged batch is a torn write, and cut off with everything after it, only in the last
 * segment and only if no valid later batch (one with a higher sequence number) starts on any sector
 * after it: a write that was followed by another one had been acknowledged. Anything else throws
 * CorruptLogError naming the file and the damaged batch's offset.
 * `prevSeq` is the sequence number of the batch before this segment (null if unknown).
 */
export function scanSegment(buf: Buffer, file: string, isLast: boolean, prevSeq: number | null): SegmentScan {
  if (!isBatchedSegment(buf)) {
    const { records, validBytes } = scanRecords(buf, file, isLast);
    const batches = records.map((r) => ({ offset: r.offset, seq: null, records: [r.payload] }));
    return { batched: false, batches, end: validBytes, tornEnd: buf.length };
  }
  const batches: ScannedBatch[] = [];
  let seq = prevSeq;
  let pos = FIRST_BATCH_OFFSET;
  while (pos < buf.length) {
    const frame = readFrame(buf, pos);
    if (frame.kind === 'ok') {
      const batch = decodeBatch(frame.payload);
      if (typeof batch === 'string') throw new CorruptLogError(file, pos, batch);
      if (seq !== null && batch.seq !== seq + 1)
        throw new CorruptLogError(file, pos, `batch ${batch.seq} follows batch ${seq}`);
      batches.push({ offset: pos, seq: batch.seq, records: batch.records });
      seq = batch.seq;
      pos = alignToSector(frame.end);
      continue;
    }
    if (frame.kind === 'zero' && isZero(buf, pos)) break;
    // Damaged. With an intact header the batch's extent is known (for 'truncated' it runs past the
    // end of the file): a later write starts after it. Else search from the next sector on.
    const searchFrom =
      frame.kind === 'crc'
        ? alignToSector(frame.end)
        : frame.kind === 'truncated'
          ? buf.length
          : pos + SECTOR_BYTES;
    if (!isLast || laterBatchAt(buf, searchFrom, seq) >= 0)
      throw new CorruptLogError(file, pos, DAMAGE[frame.kind]);
    return { batched: true, batches, end: pos, tornEnd: endOfNonZero(buf, pos) };
  }
  return { batched: true, batches, end: pos, tornEnd: pos };
}

const DAMAGE = {
  zero: 'zeroed batch header with data after it',
  'bad-header': 'bad batch header',
  truncated: 'truncated batch',
  crc: 'CRC mismatch',
} as const;

/** Offset of the first valid batch after `seq` starting on a sector at or after `from`, or -1. */
function laterBatchAt(buf: Buffer, from: number, seq: number | null): number {
  for (let at = alignToSector(from); at + RECORD_HEADER_BYTES <= buf.length; at += SECTOR_BYTES) {
    // Cheap pre-check: a frame header's second word is the inverse of its first.
    if ((buf.readUInt32BE(at) ^ buf.readUInt32BE(at + 4)) >>> 0 !== 0xffffffff) continue;
    const frame = readFrame(buf, at);
    if (frame.kind !== 'ok') continue;
    const batch = decodeBatch(frame.payload);
    if (typeof batch !== 'string' && (seq === null || batch.seq > seq)) return at;
  }
  return -1;
}
