import type { Entry, EntryKind, HardState } from '../core/types.js';

/**
 * Payloads of the log's records. The log is a sequence of operations replayed in order:
 *  - entry:     an entry; an index <= the last one replaces that suffix (a conflicting append);
 *  - truncate:  drop entries >= index;
 *  - compact:   drop entries <= index (the snapshot covers them);
 *  - reset:     drop every entry, the log continues at index + 1 (an installed snapshot);
 *  - hardState: term, vote and commit; the last one replayed wins;
 *  - begin:     first record of every segment: the log's last index when the segment started,
 *               which anchors replay once older segments have been deleted.
 */
export type LogRecord =
  | { readonly type: 'entry'; readonly entry: Entry }
  | { readonly type: 'truncate' | 'compact' | 'reset' | 'begin'; readonly index: number }
  | { readonly type: 'hardState'; readonly hardState: HardState };

const TAG = { entry: 1, truncate: 2, compact: 3, reset: 4, hardState: 5, begin: 6 } as const;
const KINDS: readonly EntryKind[] = ['normal', 'noop', 'config'];

export function encodeLogRecord(r: LogRecord): Buffer {
  switch (r.type) {
    case 'entry': {
      const e = r.entry;
      const out = Buffer.allocUnsafe(18 + e.data.length);
      out.writeUInt8(TAG.entry, 0);
      writeU64(out, e.index, 1);
      writeU64(out, e.term, 9);
      out.writeUInt8(KINDS.indexOf(e.kind), 17);
      out.set(e.data, 18);
      return out;
    }
    case 'hardState': {
      const { term, vote, commit } = r.hardState;
      const voteBytes = vote === null ? Buffer.alloc(0) : Buffer.from(vote, 'utf8');
      const out = Buffer.allocUnsafe(18 + voteBytes.length);
      out.writeUInt8(TAG.hardState, 0);
      writeU64(out, term, 1);
      writeU64(out, commit, 9);
      out.writeUInt8(vote === null ? 0 : 1, 17);
      out.set(voteBytes, 18);
      return out;
    }
    default: {
      const out = Buffer.allocUnsafe(9);
      out.writeUInt8(TAG[r.type], 0);
      writeU64(out, r.index, 1);
      return out;
    }
  }
}

/** Decodes a payload that passed its CRC; returns an error message for unknown content. */
export function decodeLogRecord(p: Buffer): LogRecord | string {
  if (p.length === 0) return 'empty record';
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
  if (tag === TAG.hardState) {
    if (p.length < 18) return 'short hard state record';
    const hasVote = p.readUInt8(17);
    if (hasVote > 1 || (hasVote === 0 && p.length !== 18)) return 'malformed hard state record';
    const vote = hasVote === 1 ? p.toString('utf8', 18) : null;
    return { type: 'hardState', hardState: { term: readU64(p, 1), vote, commit: readU64(p, 9) } };
  }
  if (p.length !== 9) return `bad record length ${p.length}`;
  const index = readU64(p, 1);
  if (tag === TAG.truncate) return { type: 'truncate', index };
  if (tag === TAG.compact) return { type: 'compact', index };
  if (tag === TAG.reset) return { type: 'reset', index };
  if (tag === TAG.begin) return { type: 'begin', index };
  return `unknown record tag ${tag}`;
}

/** The entry index a record writes, or 0 (decides when a segment may be deleted). */
export function entryIndexOf(r: LogRecord): number {
  return r.type === 'entry' ? r.entry.index : 0;
}

export function writeU64(buf: Buffer, n: number, at: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a log position: ${n}`);
  buf.writeUInt32BE(Math.floor(n / 2 ** 32), at);
  buf.writeUInt32BE(n >>> 0, at + 4);
}

export function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at) * 2 ** 32 + buf.readUInt32BE(at + 4);
}
