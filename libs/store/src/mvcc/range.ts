import { toKeyRange } from './key-range.js';
import type { MvccState } from './mvcc-state.js';
import { resolveReadRevision } from './revision.js';
import { SortOrder, SortTarget, type RangeRequest, type RangeResponse } from './types.js';
import { header } from './response-header.js';

/**
 * A Range with etcd's exact semantics, read at `currentRevision` (the store's, or a write txn's).
 *
 * - `count` is the number of keys in the range at the read revision: before `limit` and before the
 *   min/max mod/create revision filters.
 * - With a sort order or any of those filters, every key is fetched, then filtered, sorted and cut to
 *   `limit`. Without them, `limit + 1` keys are fetched in key order to learn `more`; that includes a
 *   sort target other than Key with order None, which etcd sorts ascending only after that fetch.
 * - Sorting is stable, so equal targets stay in key order.
 */
export function executeRange(
  state: MvccState,
  currentRevision: number,
  request: RangeRequest,
): RangeResponse {
  const atRevision = resolveReadRevision(request.revision ?? 0, currentRevision, state.compactRevision);
  const range = toKeyRange(request.key, request.rangeEnd);
  const limit = request.limit ?? 0;
  const sortOrder = request.sortOrder ?? SortOrder.None;
  const sortTarget = request.sortTarget ?? SortTarget.Key;
  const minMod = request.minModRevision ?? 0;
  const maxMod = request.maxModRevision ?? 0;
  const minCreate = request.minCreateRevision ?? 0;
  const maxCreate = request.maxCreateRevision ?? 0;
  const filtered = minMod !== 0 || maxMod !== 0 || minCreate !== 0 || maxCreate !== 0;
  const fetchAll = sortOrder !== SortOrder.None || filtered || limit <= 0;

  let count = 0;
  let rows: number[] = [];
  if (request.countOnly) {
    state.scan(range, atRevision, () => {
      count++;
    });
  } else {
    state.scan(range, atRevision, (row) => {
      count++;
      if (fetchAll || rows.length <= limit) rows.push(row);
    });
  }

  const log = state.log;
  if (filtered) {
    rows = rows.filter((row) => {
      const mod = log.revision[row];
      const create = log.createRevision[row];
      return (
        (maxMod === 0 || mod <= maxMod) &&
        (minMod === 0 || mod >= minMod) &&
        (maxCreate === 0 || create <= maxCreate) &&
        (minCreate === 0 || create >= minCreate)
      );
    });
  }

  const order = sortTarget !== SortTarget.Key && sortOrder === SortOrder.None ? SortOrder.Ascend : sortOrder;
  // Rows come in ascending key order already, so Key/Ascend needs no sort.
  if (
    (order === SortOrder.Ascend || order === SortOrder.Descend) &&
    !(sortTarget === SortTarget.Key && order === SortOrder.Ascend)
  ) {
    const compare = rowComparator(state, sortTarget);
    rows.sort(order === SortOrder.Ascend ? compare : (a, b) => compare(b, a));
  }

  let more = false;
  if (limit > 0 && rows.length > limit) {
    rows.length = limit;
    more = true;
  }
  const keysOnly = request.keysOnly ?? false;
  return {
    header: header(currentRevision),
    kvs: rows.map((row) => state.keyValue(row, keysOnly)),
    more,
    count,
  };
}

function rowComparator(state: MvccState, target: number): (a: number, b: number) => number {
  const log = state.log;
  switch (target) {
    case SortTarget.Version:
      return (a, b) => log.version[a] - log.version[b];
    case SortTarget.Create:
      return (a, b) => log.createRevision[a] - log.createRevision[b];
    case SortTarget.Mod:
      return (a, b) => log.revision[a] - log.revision[b];
    case SortTarget.Value:
      return (a, b) => Buffer.compare(state.valueOfRow(a), state.valueOfRow(b));
    default:
      // Key, and targets etcd does not know (where etcd itself would crash): key order.
      return (a, b) => {
        const ka = state.keyOfRow(a);
        const kb = state.keyOfRow(b);
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      };
  }
}
