import { CompactedError, FutureRevisionError } from './errors.js';
import type { MvccState } from './mvcc-state.js';

/**
 * etcd's Compact(revision): reads below `revision` become "compacted", and history they alone could
 * see is dropped. Per key, the newest row at or below `revision` is kept (so reads at `revision`
 * and after are unchanged) unless it is a tombstone, every older row goes, and a key left with no
 * rows leaves the index. Compacting at or below the current compaction point, or above the current
 * revision, fails as in etcd. The log is rewritten in place and values are moved out of mostly-dead
 * chunks, so memory is given back.
 */
export function compact(state: MvccState, revision: number): void {
  if (revision <= state.compactRevision) throw new CompactedError(state.compactRevision);
  if (revision > state.revision) throw new FutureRevisionError();
  state.compactRevision = revision;

  const { log, index } = state;
  // Rows after `revision` all stay; below `boundary` only each key's newest row at or below it can.
  const boundary = log.firstRowFrom(revision + 1);
  const keep = new Uint8Array(boundary);
  const doomedKeys: number[] = [];
  index.forEach((id) => {
    let row = index.newestRow(id);
    while (row >= boundary) row = log.prev[row];
    if (row >= 0 && !log.isTombstone(row)) keep[row] = 1;
    else if (index.newestRow(id) < boundary) doomedKeys.push(id);
  });

  // Compact the prefix in place, remembering where each kept row went.
  const movedTo = new Int32Array(boundary).fill(-1);
  let next = 0;
  for (let row = 0; row < boundary; row++) {
    if (keep[row] === 0) continue;
    movedTo[row] = next;
    log.moveRow(row, next);
    // The oldest kept row of a key has no predecessor any more.
    log.prev[next] = -1;
    next++;
  }
  // Shift the suffix down; links into the prefix follow the kept rows (or end where rows were dropped).
  const shift = boundary - next;
  for (let row = boundary; row < log.length; row++) {
    const target = row - shift;
    log.moveRow(row, target);
    const prev = log.prev[target];
    log.prev[target] = prev < 0 ? -1 : prev >= boundary ? prev - shift : movedTo[prev];
  }
  log.truncate(log.length - shift);

  for (const id of doomedKeys) index.remove(id);
  index.forEach((id) => {
    const row = index.newestRow(id);
    index.setNewestRow(id, row >= boundary ? row - shift : movedTo[row]);
  });

  state.arena = state.arena.compact(log.valueLocation, log.valueLength, log.length);
}
