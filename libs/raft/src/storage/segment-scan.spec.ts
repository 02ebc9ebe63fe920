import { describe, expect, it } from 'vitest';
import { alignToSector, encodeBatch, SECTOR_BYTES } from './batch-codec.js';
import { FIRST_BATCH_OFFSET, scanSegment, SEGMENT_MAGIC } from './segment-scan.js';

/** A preallocated segment of `size` bytes holding the given batches (payload bytes per record). */
function segment(
  batches: Uint8Array[][],
  size = 64 * 1024,
  firstSeq = 1,
): { buf: Buffer; offsets: number[] } {
  const buf = Buffer.alloc(size);
  SEGMENT_MAGIC.copy(buf, 0);
  const offsets: number[] = [];
  let at = FIRST_BATCH_OFFSET;
  batches.forEach((records, i) => {
    const frame = encodeBatch(firstSeq + i, records);
    frame.copy(buf, at);
    offsets.push(at);
    at += frame.length;
  });
  return { buf, offsets };
}

const rec = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

describe('scanSegment', () => {
  it('reads batches up to the zero-filled rest', () => {
    const { buf, offsets } = segment([[rec(10, 1)], [rec(2000, 2), rec(3, 3)], [rec(1, 4)]]);
    const scan = scanSegment(buf, 'f', false, null);
    expect(scan.batches.map((b) => [b.offset, b.seq, b.records.length])).toEqual([
      [offsets[0], 1, 1],
      [offsets[1], 2, 2],
      [offsets[2], 3, 1],
    ]);
    expect(scan.end).toBe(offsets[2] + SECTOR_BYTES);
    expect(scan.tornEnd).toBe(scan.end);
  });

  it('cuts a torn last batch and reports the stray bytes to clear', () => {
    const { buf, offsets } = segment([[rec(10, 1)], [rec(4000, 2)]]);
    buf.fill(0, offsets[1] + SECTOR_BYTES, offsets[1] + 2 * SECTOR_BYTES);
    const scan = scanSegment(buf, 'f', true, null);
    expect(scan.batches).toHaveLength(1);
    expect(scan.end).toBe(offsets[1]);
    expect(scan.tornEnd).toBe(offsets[1] + 12 + 9 + 4 + 4000);
    expect(() => scanSegment(buf, 'f', false, null)).toThrow(
      `raft log corrupt: f at offset ${offsets[1]}: CRC mismatch`,
    );
  });

  it('is not fooled by a batch frame inside the torn batch data', () => {
    const inner = encodeBatch(99, [rec(5, 9)]);
    const data = Buffer.alloc(3000, 0x5a);
    // Place the fake frame on a sector boundary of the file.
    inner.copy(data, 2 * SECTOR_BYTES - 12 - 9 - 4);
    const { buf, offsets } = segment([[rec(10, 1)], [data]]);
    expect(
      buf.readUInt32BE(offsets[1] + 2 * SECTOR_BYTES) ^ buf.readUInt32BE(offsets[1] + 2 * SECTOR_BYTES + 4),
    ).toBe(-1);
    buf.fill(0, offsets[1] + SECTOR_BYTES, offsets[1] + 2 * SECTOR_BYTES);
    expect(scanSegment(buf, 'f', true, null).batches).toHaveLength(1);
  });

  it('a zeroed batch header is a torn write only if no later batch follows', () => {
    const { buf, offsets } = segment([[rec(10, 1)], [rec(1500, 2)], [rec(10, 3)]]);
    const last = Buffer.from(buf);
    last.fill(0, offsets[2], offsets[2] + SECTOR_BYTES);
    expect(scanSegment(last, 'f', true, null).batches).toHaveLength(2);
    const middle = Buffer.from(buf);
    middle.fill(0, offsets[1], offsets[1] + SECTOR_BYTES);
    expect(() => scanSegment(middle, 'f', true, null)).toThrow(
      `raft log corrupt: f at offset ${offsets[1]}: zeroed batch header with data after it`,
    );
  });

  it('a later batch counts only with a higher sequence number', () => {
    const { buf, offsets } = segment([[rec(10, 1)], [rec(1500, 2)]], 64 * 1024, 5);
    // A stale frame further on, from before (seq 3): not a write after the torn one.
    encodeBatch(3, [rec(10, 7)]).copy(buf, alignToSector(offsets[1] + 4 * SECTOR_BYTES));
    buf.fill(0, offsets[1] + SECTOR_BYTES, offsets[1] + 2 * SECTOR_BYTES);
    expect(scanSegment(buf, 'f', true, 4).batches).toHaveLength(1);
  });

  it('reports a batch out of sequence', () => {
    const { buf, offsets } = segment([[rec(10, 1)], [rec(10, 2)]], 8192, 7);
    expect(() => scanSegment(buf, 'f', false, 5)).toThrow(
      `raft log corrupt: f at offset ${offsets[0]}: batch 7 follows batch 5`,
    );
    expect(scanSegment(buf, 'f', false, 6).batches).toHaveLength(2);
  });
});
