import type { Entry } from '../core/types.js';
import type { LogRecord } from './log-records.js';

/**
 * The live entries, rebuilt by replaying log records and kept in memory to serve reads
 * (the log is compacted behind snapshots, which bounds its size).
 *
 * Segments are deleted once a compaction covers every entry they hold, so replay may start in
 * the middle of the log. The oldest surviving segment's `begin` record says where the log ended
 * when it started; entries up to there are unknown (their segments are gone) but a later
 * `compact` record is sure to cover them. Such unknown entries may still be replaced by a
 * conflicting append or a truncation replayed later, which is why `offset` may move down while
 * it is above `floor`. Logs written before `begin` records existed anchor on their first entry.
 */
export class LogState {
  /** entries[0] has index offset + 1. */
  entries: Entry[] = [];
  offset = 0;
  /** Highest compaction or reset point replayed: entries at or below it are gone for good. */
  private floor = 0;
  /** False until the first entry, reset or begin record is replayed. */
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
        if (i <= this.floor) return `entry ${i} at or below the compaction point ${this.floor}`;
        if (!this.anchored || i <= this.offset) this.restartAfter(i - 1);
        this.anchored = true;
        if (i > this.lastIndex() + 1) return `entry ${i} leaves a gap after ${this.lastIndex()}`;
        this.entries.length = i - this.offset - 1;
        this.entries.push(r.entry);
        return undefined;
      }
      case 'truncate':
        if (!this.anchored) return undefined;
        if (r.index <= this.offset) this.restartAfter(Math.max(this.floor, r.index - 1));
        else this.entries.length = Math.min(this.entries.length, r.index - this.offset - 1);
        return undefined;
      case 'compact':
        this.floor = Math.max(this.floor, r.index);
        if (r.index <= this.offset) return undefined;
        this.entries = this.entries.slice(Math.min(this.entries.length, r.index - this.offset));
        this.offset = r.index;
        return undefined;
      case 'reset':
        this.anchored = true;
        this.floor = r.index;
        this.restartAfter(r.index);
        return undefined;
      case 'begin':
        if (!this.anchored) {
          this.anchored = true;
          this.restartAfter(Math.max(this.floor, r.index));
          return undefined;
        }
        if (r.index !== this.lastIndex())
          return `segment begins after entry ${r.index} but the log before it ends at ${this.lastIndex()}`;
        return undefined;
      case 'hardState':
        return undefined;
    }
  }

  private restartAfter(index: number): void {
    this.entries = [];
    this.offset = index;
  }
}
