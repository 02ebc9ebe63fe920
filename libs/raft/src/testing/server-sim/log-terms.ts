import type { Entry, Snapshot } from '../../core/types.js';

/**
 * Terms of a stored log in the order writes were issued, kept beside DelayedStorage so that the log
 * matching check knows the term preceding each written batch without an (async) storage read.
 */
export class LogTerms {
  /** Index of the last compacted entry; its term is `offsetTerm` (undefined if unknown). */
  private offset = 0;
  private offsetTerm: number | undefined = 0;
  private terms: number[] = [];

  static fromPersisted(snapshot: Snapshot | null, entries: readonly Entry[]): LogTerms {
    const t = new LogTerms();
    if (entries.length > 0) t.offset = entries[0].index - 1;
    else if (snapshot) t.offset = snapshot.meta.index;
    t.offsetTerm =
      snapshot && snapshot.meta.index === t.offset ? snapshot.meta.term : t.offset === 0 ? 0 : undefined;
    t.terms = entries.map((e) => e.term);
    return t;
  }

  term(index: number): number | undefined {
    if (index === this.offset) return this.offsetTerm;
    if (index < this.offset || index > this.offset + this.terms.length) return undefined;
    return this.terms[index - this.offset - 1];
  }

  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    this.terms.length = Math.max(0, entries[0].index - this.offset - 1);
    for (const e of entries) this.terms.push(e.term);
  }

  truncateSuffix(fromIndex: number): void {
    this.terms.length = Math.max(0, Math.min(this.terms.length, fromIndex - this.offset - 1));
  }

  installSnapshot(snapshot: Snapshot): void {
    this.offset = snapshot.meta.index;
    this.offsetTerm = snapshot.meta.term;
    this.terms = [];
  }

  compact(index: number): void {
    if (index <= this.offset) return;
    const term = this.term(index);
    this.terms = this.terms.slice(Math.min(this.terms.length, index - this.offset));
    this.offset = index;
    this.offsetTerm = term;
  }
}
