import { CHUNK_BYTES, ValueArena } from './value-arena.js';

const bytes = (length: number, fill: number): Buffer => Buffer.alloc(length, fill);
const SMALL = Math.floor(CHUNK_BYTES / 100);

describe('ValueArena', () => {
  it('stores values in chunks, big ones on their own, empty ones nowhere', () => {
    const arena = new ValueArena();
    const values = [
      bytes(10, 1),
      bytes(0, 0),
      bytes(CHUNK_BYTES / 2, 2),
      bytes(CHUNK_BYTES - 5, 3),
      bytes(20, 4),
    ];
    const locations = values.map((value) => arena.append(value));
    expect(locations[1]).toBe(0);
    values.forEach((value, i) => expect(arena.view(locations[i]!, value.length).equals(value)).toBe(true));
    // One shared chunk for the small values, one chunk each for the two big ones.
    expect(arena.chunkCount).toBe(3);
  });

  it('bulk-loads back-to-back values and copies them back out in one piece', () => {
    const arena = new ValueArena();
    const lengths = Uint32Array.from([
      3,
      0,
      CHUNK_BYTES / 3,
      CHUNK_BYTES / 3,
      CHUNK_BYTES / 3,
      7,
      CHUNK_BYTES / 2,
    ]);
    const source = Buffer.alloc(lengths.reduce((sum, n) => sum + n, 0));
    for (let i = 0; i < source.length; i++) source[i] = (i * 31) & 0xff;
    const locations = new Float64Array(lengths.length);
    expect(arena.appendAll(source, lengths, lengths.length, locations)).toBe(source.length);
    const out = Buffer.alloc(source.length);
    expect(arena.copyAll(locations, lengths, lengths.length, out, 0)).toBe(source.length);
    expect(out.equals(source)).toBe(true);
  });

  it('compacts by keeping full chunks and moving values out of sparse ones', () => {
    const arena = new ValueArena();
    const small = Array.from({ length: 100 }, (_, i) => arena.append(bytes(SMALL, i)));
    const big = arena.append(bytes(CHUNK_BYTES, 200));
    // Keep 2 of the 100 small values (a sparse chunk) and the big value (a full chunk).
    const locations = Float64Array.from([small[3]!, small[50]!, big]);
    const lengths = Uint32Array.from([SMALL, SMALL, CHUNK_BYTES]);
    const bigChunk = arena.view(big, 1);
    const compacted = arena.compact(locations, lengths, 3);
    expect(compacted.chunkCount).toBe(2);
    expect(compacted.view(locations[0]!, lengths[0]!).equals(bytes(SMALL, 3))).toBe(true);
    expect(compacted.view(locations[1]!, lengths[1]!).equals(bytes(SMALL, 50))).toBe(true);
    // The full chunk is the same memory, not a copy.
    expect(compacted.view(locations[2]!, 1).buffer).toBe(bigChunk.buffer);
  });
});
