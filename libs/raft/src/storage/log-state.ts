import type { Entry } from '../core/types.js';
import type { LogRecord } from './log-records.js';

/**
 * The live entries, rebuilt by replaying log records and kept in memory to serve reads
 * (the log is compacted behind snapshots, which bounds its size).
 */
export class LogState {
  /** entries[0] has index offset + 1. */
  entries: Entry[] = [];
  offset = 0;
  /**
   * False until the first entry or marker is replayed. Segments before a compaction point are
   * deleted, so the oldest surviving record may start mid-log: the first entry sets the offset.
   */
  private anchored = false;

  lastIndex(): number {
    return this.offset + this.entries.length;
  }

  term(index: number): number | undefined {
    if (index <= this.offset || index > this.lastIndex()) return undefined;
    return this.entries[index - this.offset - 1].term;
  }

  /** Applies one record; returns an error message if it cannot follow the records before it. */
  apply(r: LogRecord): string | undefined {
    switch (r.type) {
      case 'entry': {
        const i = r.entry.index;
        if (!this.anchored) {
          this.anchored = true;
          this.offset = i - 1;
        }
        if (i <= this.offset) return `entry ${i} at or below the compaction point ${this.offset}`;
        if (i > this.lastIndex() + 1) return `entry ${i} leaves a gap after ${this.lastIndex()}`;
        this.entries.length = i - this.offset - 1;
        this.entries.push(r.entry);
        return undefined;
      }
      case 'truncate':
        this.entries.length = Math.max(0, Math.min(this.entries.length, r.index - this.offset - 1));
        return undefined;
      case 'compact':
        this.anchored = true;
        if (r.index <= this.offset) return undefined;
        this.entries = this.entries.slice(Math.min(this.entries.length, r.index - this.offset));
        this.offset = r.index;
        return undefined;
      case 'reset':
        this.anchored = true;
        this.entries = [];
        this.offset = r.index;
        return undefined;
    }
  }
}
