import type { Entry } from '../../core/types.js';

interface SeenEntry {
  readonly data: Uint8Array;
  readonly kind: Entry['kind'];
  /** Term of the entry before it in the log that holds it (undefined when compacted). */
  readonly prevTerm: number | undefined;
}

/**
 * Log matching over what servers persist: an (index, term) pair names one entry everywhere, always
 * preceded by the same term. Fed with every batch a server writes to storage.
 */
export class LogMatchingChecker {
  private readonly seen = new Map<string, SeenEntry>();

  /** Returns a violation, or null. `prevTerm`: term of the stored entry before entries[0]. */
  check(server: number, prevTerm: number | undefined, entries: readonly Entry[]): string | null {
    let before = prevTerm;
    for (const e of entries) {
      const key = `${e.index}:${e.term}`;
      const seen = this.seen.get(key);
      if (!seen) {
        this.seen.set(key, { data: e.data, kind: e.kind, prevTerm: before });
      } else if (seen.kind !== e.kind || !sameBytes(seen.data, e.data)) {
        return `log matching: server ${server} wrote a different entry at index ${e.index} term ${e.term}`;
      } else if (seen.prevTerm !== undefined && before !== undefined && seen.prevTerm !== before) {
        return `log matching: server ${server} wrote entry ${e.index}/${e.term} after term ${before}, elsewhere after term ${seen.prevTerm}`;
      }
      before = e.term;
    }
    return null;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
