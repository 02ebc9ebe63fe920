/**
 * Keys are bytes. Inside the store a key is the latin1 string of its bytes: one char per byte, so
 * `<` on two such strings is byte order (what etcd's bytes.Compare gives) and they key the B-tree.
 */
export type KeyString = string;

export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

export function toKeyString(bytes: Uint8Array): KeyString {
  if (Buffer.isBuffer(bytes)) return bytes.toString('latin1');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function keyBytes(key: KeyString): Buffer {
  return Buffer.from(key, 'latin1');
}

/** The keys a request names: [start, end), or from start on when end is undefined. */
export interface KeyRange {
  readonly start: KeyString;
  /** Exclusive; undefined means no upper bound. Ignored when `single`. */
  readonly end: KeyString | undefined;
  readonly single: boolean;
}

/**
 * etcd's reading of (key, range_end): an empty range_end means the key alone, `\0` means every key
 * at or after key, anything else the half-open range (empty when range_end <= key).
 */
export function toKeyRange(key: Uint8Array, rangeEnd: Uint8Array | undefined): KeyRange {
  const start = toKeyString(key);
  if (!rangeEnd || rangeEnd.length === 0) return { start, end: start, single: true };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { start, end: undefined, single: false };
  return { start, end: toKeyString(rangeEnd), single: false };
}

export function keyInRange(key: KeyString, range: KeyRange): boolean {
  if (range.single) return key === range.start;
  return key >= range.start && (range.end === undefined || key < range.end);
}

/** The range_end that selects every key with this prefix (etcd's clientv3.GetPrefixRangeEnd). */
export function prefixRangeEnd(prefix: Uint8Array): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  // All 0xff (or empty): no key is greater by prefix, so the prefix range is everything from it on.
  return Buffer.from([0]);
}
