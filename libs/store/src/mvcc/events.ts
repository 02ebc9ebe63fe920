import { CompactedError } from './errors.js';
import { keyInRange, type KeyRange } from './key-range.js';
import { livePrevRow } from './key-index.js';
import type { MvccState } from './mvcc-state.js';
import { EventType, type Event } from './types.js';

export interface EventsSinceOptions {
  /** Include each event's previous key-value (as a watch with prev_kv asks). Default true. */
  prevKv?: boolean;
  /** Stop after this revision (inclusive), to catch a watcher up in bounded batches. */
  untilRevision?: number;
}

/**
 * The events for the keys in `range` at revisions >= `startRevision`, in revision order and op order
 * within a revision: what a watcher that starts in the past is owed before live events. A start
 * below the compaction point fails with CompactedError carrying that point, which a watch reports
 * as compact_revision. History at and after the compaction point is whole, except that etcd, too,
 * drops deletions at exactly the compaction revision.
 */
export function eventsSince(
  state: MvccState,
  startRevision: number,
  range: KeyRange,
  options: EventsSinceOptions = {},
): Event[] {
  if (startRevision < state.compactRevision) throw new CompactedError(state.compactRevision);
  const withPrev = options.prevKv ?? true;
  const until = options.untilRevision ?? state.revision;
  const { log } = state;
  const events: Event[] = [];
  for (let row = log.firstRowFrom(startRevision); row < log.length && log.revision[row] <= until; row++) {
    if (!keyInRange(state.keyOfRow(row), range)) continue;
    const prevRow = withPrev ? livePrevRow(log, row) : -1;
    const prevKv = prevRow >= 0 ? state.keyValue(prevRow) : undefined;
    events.push(
      log.isTombstone(row)
        ? { type: EventType.Delete, kv: state.tombstoneKeyValue(row), prevKv }
        : { type: EventType.Put, kv: state.keyValue(row), prevKv },
    );
  }
  return events;
}
