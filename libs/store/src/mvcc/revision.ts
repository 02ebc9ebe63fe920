import { CompactedError, FutureRevisionError } from './errors.js';

/** etcd's store starts at revision 1, so the first write is revision 2. */
export const INITIAL_REVISION = 1;

/** The compaction point before any compaction (etcd's compactMainRev starts at -1). */
export const NOT_COMPACTED = -1;

/**
 * The revision a read is served at, as etcd's mvcc range: above the current revision is a future
 * revision, zero or below means the current one, and below the compaction point is compacted (the
 * compaction point itself is still readable).
 */
export function resolveReadRevision(requested: number, current: number, compacted: number): number {
  if (requested > current) throw new FutureRevisionError();
  const revision = requested <= 0 ? current : requested;
  if (revision < compacted) throw new CompactedError(compacted);
  return revision;
}

/**
 * etcd's check of a Range inside a txn, made before the txn writes: unlike a plain Range it compares
 * the requested revision itself, so a negative one below the compaction point is "compacted" too.
 */
export function checkTxnReadRevision(requested: number, current: number, compacted: number): void {
  if (requested === 0) return;
  if (requested > current) throw new FutureRevisionError();
  if (requested < compacted) throw new CompactedError(compacted);
}
