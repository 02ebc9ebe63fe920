import type { RevisionLog } from './revision-log.js';

/**
 * A key's history is the chain of its rows in the log, newest first (see RevisionLog.prev). These are
 * etcd's keyIndex questions asked of that chain: a tombstone row ends a generation, and the put
 * after it starts the next one at version 1.
 */

/** The newest row of the chain at or below `revision` (put or tombstone), or -1. */
export function rowAt(log: RevisionLog, newestRow: number, revision: number): number {
  let row = newestRow;
  while (row >= 0 && log.revision[row] > revision) row = log.prev[row];
  return row;
}

/** The row holding the key's value at `revision`, or -1 when the key did not exist then. */
export function liveRowAt(log: RevisionLog, newestRow: number, revision: number): number {
  const row = rowAt(log, newestRow, revision);
  return row >= 0 && !log.isTombstone(row) ? row : -1;
}

/** The live row just before `row` in its key's chain, or -1 (a create has none). */
export function livePrevRow(log: RevisionLog, row: number): number {
  const prev = log.prev[row];
  return prev >= 0 && !log.isTombstone(prev) ? prev : -1;
}
