import type { Entry, EntryKind } from '../core/types.js';

/**
 * Payloads of the log's records. The log is a sequence of operations replayed in order:
 *  - entry:    an entry; an index <= the last one replaces that suffix (a conflicting append);
 *  - truncate: drop entries >= index;
 *  - compact:  drop entries <= index (the snapshot covers them);
 *  - reset:    drop every entry, the log continues at index + 1 (an installed snapshot).
 */
export type LogRecord =
  | { readonly type: 'entry'; readonly entry: Entry }
  | { readonly type: 'truncate' | 'compact' | 'reset'; readonly index: number };

const TAG = { entry: 1, truncate: 2, compact: 3, reset: 4 } as const;
const KINDS: readonly EntryKind[] = ['normal', 'noop', 'config'];

export function encodeLogRecord(r: LogRecord): Buffer {
  if (r.type !== 'entry') {
    const out = Buffer.allocUnsafe(9);
    out.writeUInt8(TAG[r.type], 0);
    writeU64(out, r.index, 1);
    return out;
  }
  const e = r.entry;
  const out = Buffer.allocUnsafe(18 + e.data.length);
  out.writeUInt8(TAG.entry, 0);
  writeU64(out, e.index, 1);
  writeU64(out, e.term, 9);
  out.writeUInt8(KINDS.indexOf(e.kind), 17);
  out.set(e.data, 18);
  return out;
}

/** Decodes a payload that passed its CRC; returns an error message for unknown content. */
export function decodeLogRecord(p: Buffer): LogRecord | string {
  const tag = p.readUInt8(0);
  if (tag === TAG.entry) {
    if (p.length < 18) return 'short entry record';
    const kind = KINDS[p.readUInt8(17)];
    if (kind === undefined) return `unknown entry kind ${p.readUInt8(17)}`;
    // Copy the data out of the segment buffer so the buffer can be released.
    const entry: Entry = {
      index: readU64(p, 1),
      term: readU64(p, 9),
      kind,
      data: new Uint8Array(p.subarray(18)),
    };
    return { type: 'entry', entry };
  }
  if (p.length !== 9) return `bad record length ${p.length}`;
  const index = readU64(p, 1);
  if (tag === TAG.truncate) return { type: 'truncate', index };
  if (tag === TAG.compact) return { type: 'compact', index };
  if (tag === TAG.reset) return { type: 'reset', index };
  return `unknown record tag ${tag}`;
}

function writeU64(buf: Buffer, n: number, at: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a log position: ${n}`);
  buf.writeUInt32BE(Math.floor(n / 2 ** 32), at);
  buf.writeUInt32BE(n >>> 0, at + 4);
}

function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at) * 2 ** 32 + buf.readUInt32BE(at + 4);
}
