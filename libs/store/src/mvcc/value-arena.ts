import { EMPTY_BYTES } from './key-range.js';

/** Values are copied into chunks of this size; one Buffer object per chunk instead of one per value. */
export const CHUNK_BYTES = 1 << 20;

/** A chunk kept by compaction must still be at least this full; sparser ones are copied out and freed. */
const KEEP_CHUNK_RATIO = 0.5;

const CHUNK_SPAN = 2 ** 32;

/**
 * Append-only storage for values. A value's location is one number, chunk * 2^32 + offset (exact in a
 * double), so the revision log stores it in a Float64Array column. Chunks are never written twice:
 * a Buffer view handed out stays valid, and compaction builds new chunks rather than moving bytes.
 */
export class ValueArena {
  private chunks: Buffer[] = [];
  private current = -1;
  private used = CHUNK_BYTES;

  /** Copies `value` in and returns its location (0 for an empty value: nothing is stored). */
  append(value: Uint8Array): number {
    const source = Buffer.isBuffer(value)
      ? value
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return this.appendSlice(source, 0, source.length);
  }

  /** Copies `length` bytes of `source` from `start` in. */
  appendSlice(source: Buffer, start: number, length: number): number {
    if (length === 0) return 0;
    if (length > CHUNK_BYTES / 4) {
      // A big value gets a chunk of its own, so it does not waste the rest of the current chunk.
      const own = Buffer.allocUnsafeSlow(length);
      own.set(source.subarray(start, start + length));
      this.chunks.push(own);
      return (this.chunks.length - 1) * CHUNK_SPAN;
    }
    const location = this.reserve(length);
    this.chunks[this.current].set(source.subarray(start, start + length), this.used - length);
    return location;
  }

  /**
   * Bulk load for a snapshot restore: `count` values with `lengths` lie back to back in `source`.
   * Stores them, writes each one's location, and returns the bytes read. Values that land in one
   * chunk are copied with one call instead of one per value.
   */
  appendAll(source: Buffer, lengths: Uint32Array, count: number, locations: Float64Array): number {
    let read = 0;
    let runFrom = 0;
    let runLength = 0;
    let runChunk = -1;
    let runOffset = 0;
    const flush = (): void => {
      if (runLength > 0) this.chunks[runChunk].set(source.subarray(runFrom, runFrom + runLength), runOffset);
      runLength = 0;
    };
    for (let i = 0; i < count; i++) {
      const length = lengths[i];
      if (read + length > source.length) throw new RangeError('values run past the end of their section');
      if (length === 0) {
        locations[i] = 0;
      } else if (length > CHUNK_BYTES / 4) {
        flush();
        locations[i] = this.appendSlice(source, read, length);
      } else {
        if (this.used + length > CHUNK_BYTES) flush();
        locations[i] = this.reserve(length);
        if (runLength === 0) {
          runFrom = read;
          runChunk = this.current;
          runOffset = this.used - length;
        }
        runLength += length;
      }
      read += length;
    }
    flush();
    return read;
  }

  /**
   * Copies `count` values into `target` back to back (snapshot encoding) and returns the bytes
   * written. Values stored next to each other are copied with one call.
   */
  copyAll(
    locations: Float64Array,
    lengths: Uint32Array,
    count: number,
    target: Buffer,
    targetOffset: number,
  ): number {
    let written = targetOffset;
    let runChunk = -1;
    let runFrom = 0;
    let runEnd = 0;
    const flush = (): void => {
      if (runChunk >= 0) target.set(this.chunks[runChunk].subarray(runFrom, runEnd), written);
      written += runEnd - runFrom;
      runFrom = runEnd = 0;
    };
    for (let i = 0; i < count; i++) {
      const length = lengths[i];
      if (length === 0) continue;
      const chunk = Math.floor(locations[i] / CHUNK_SPAN);
      const offset = locations[i] - chunk * CHUNK_SPAN;
      if (chunk === runChunk && offset === runEnd) {
        runEnd += length;
        continue;
      }
      flush();
      runChunk = chunk;
      runFrom = offset;
      runEnd = offset + length;
    }
    flush();
    return written - targetOffset;
  }

  /** The stored bytes, without copying. */
  view(location: number, length: number): Buffer {
    if (length === 0) return EMPTY_BYTES;
    const chunk = Math.floor(location / CHUNK_SPAN);
    const offset = location - chunk * CHUNK_SPAN;
    return this.chunks[chunk].subarray(offset, offset + length);
  }

  /** Bytes held by chunks (live values, superseded ones not yet compacted, and free tails). */
  get allocatedBytes(): number {
    let total = 0;
    for (const chunk of this.chunks) total += chunk.byteLength;
    return total;
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  /**
   * Physical compaction: the live values are those at `locations[i]` with `lengths[i]` for i < count.
   * Chunks still mostly live are kept as they are; values in sparse chunks are copied into fresh ones;
   * chunks nobody references are dropped. Rewrites `locations` in place and returns the new arena.
   */
  compact(locations: Float64Array, lengths: Uint32Array, count: number): ValueArena {
    const liveBytes = new Float64Array(this.chunks.length);
    for (let i = 0; i < count; i++) {
      if (lengths[i] !== 0) liveBytes[Math.floor(locations[i] / CHUNK_SPAN)] += lengths[i];
    }
    const next = new ValueArena();
    const keptAs = new Int32Array(this.chunks.length).fill(-1);
    this.chunks.forEach((chunk, id) => {
      if (liveBytes[id] >= chunk.byteLength * KEEP_CHUNK_RATIO) {
        next.chunks.push(chunk);
        keptAs[id] = next.chunks.length - 1;
      }
    });
    for (let i = 0; i < count; i++) {
      const length = lengths[i];
      if (length === 0) continue;
      const location = locations[i];
      const chunk = Math.floor(location / CHUNK_SPAN);
      const offset = location - chunk * CHUNK_SPAN;
      locations[i] =
        keptAs[chunk] >= 0
          ? keptAs[chunk] * CHUNK_SPAN + offset
          : next.appendSlice(this.chunks[chunk], offset, length);
    }
    return next;
  }

  /** Room for `length` bytes in the current chunk (a new one when it is full); returns the location. */
  private reserve(length: number): number {
    if (this.used + length > CHUNK_BYTES) {
      this.chunks.push(Buffer.allocUnsafeSlow(CHUNK_BYTES));
      this.current = this.chunks.length - 1;
      this.used = 0;
    }
    const location = this.current * CHUNK_SPAN + this.used;
    this.used += length;
    return location;
  }
}
