import { EMPTY_BYTES, toKeyRange } from './key-range.js';
import type { MvccState } from './mvcc-state.js';
import { CompareResult, CompareTarget, type Compare } from './types.js';

/**
 * etcd's txn compare at `revision`: true when the target of every key in the range satisfies the
 * comparison. With no key in the range, a Value compare is false (a missing value cannot be told from
 * an empty one) and any other target is compared as zero, so "version = 0" tests absence. An unset
 * operand counts as zero (or empty), and an unknown result passes, as in etcd.
 */
export function compareHolds(state: MvccState, revision: number, compare: Compare): boolean {
  let sawKey = false;
  let holds = true;
  state.scan(toKeyRange(compare.key, compare.rangeEnd), revision, (row) => {
    sawKey = true;
    holds = resultHolds(compare.result, compareRow(state, row, compare));
    return holds;
  });
  if (sawKey) return holds;
  if (compare.target === CompareTarget.Value) return false;
  return resultHolds(compare.result, compareNumbers(0, operand(compare)));
}

/** Sign of (the row's target field) - (the compare's operand). */
function compareRow(state: MvccState, row: number, compare: Compare): number {
  const log = state.log;
  switch (compare.target) {
    case CompareTarget.Value:
      return Buffer.compare(state.valueOfRow(row), compare.value ?? EMPTY_BYTES);
    case CompareTarget.Version:
      return compareNumbers(log.version[row], operand(compare));
    case CompareTarget.Create:
      return compareNumbers(log.createRevision[row], operand(compare));
    case CompareTarget.Mod:
      return compareNumbers(log.revision[row], operand(compare));
    case CompareTarget.Lease:
      return compareNumbers(log.lease[row], operand(compare));
    default:
      return 0;
  }
}

function operand(compare: Compare): number {
  switch (compare.target) {
    case CompareTarget.Version:
      return compare.version ?? 0;
    case CompareTarget.Create:
      return compare.createRevision ?? 0;
    case CompareTarget.Mod:
      return compare.modRevision ?? 0;
    case CompareTarget.Lease:
      return compare.lease ?? 0;
    default:
      return 0;
  }
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function resultHolds(result: number, sign: number): boolean {
  switch (result) {
    case CompareResult.Equal:
      return sign === 0;
    case CompareResult.NotEqual:
      return sign !== 0;
    case CompareResult.Greater:
      return sign > 0;
    case CompareResult.Less:
      return sign < 0;
    default:
      return true;
  }
}
