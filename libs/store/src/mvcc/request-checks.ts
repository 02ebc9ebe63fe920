import {
  DuplicateKeyError,
  EmptyKeyError,
  KeyNotFoundError,
  LeaseProvidedError,
  TooManyOpsError,
  ValueProvidedError,
} from './errors.js';
import { toKeyString, type KeyString } from './key-range.js';
import type { DeleteRangeRequest, PutRequest, RangeRequest, RequestOp, TxnRequest } from './types.js';

/** etcd's default --max-txn-ops. */
export const DEFAULT_MAX_TXN_OPS = 128;

/**
 * The checks etcd's gRPC layer makes before a request reaches the state machine (v3rpc/key.go).
 * They read no state, so the server may run them before proposing; the store runs them again on apply.
 */

export function checkRangeRequest(request: RangeRequest): void {
  if (!request.key || request.key.length === 0) throw new EmptyKeyError();
}

export function checkPutRequest(request: PutRequest): void {
  if (!request.key || request.key.length === 0) throw new EmptyKeyError();
  if (request.ignoreValue && (request.value?.length ?? 0) !== 0) throw new ValueProvidedError();
  if (request.ignoreLease && (request.lease ?? 0) !== 0) throw new LeaseProvidedError();
}

export function checkDeleteRangeRequest(request: DeleteRangeRequest): void {
  if (!request.key || request.key.length === 0) throw new EmptyKeyError();
}

/**
 * Op counts, keys and ops of a txn, then the put/delete overlaps of both branches. The op budget is
 * etcd's: the largest of compare/success/failure counts at each level, and nested txns get what
 * the outer level leaves.
 */
export function checkTxnRequest(request: TxnRequest, maxTxnOps = DEFAULT_MAX_TXN_OPS): void {
  checkTxnOps(request, maxTxnOps);
  checkOverlaps(request.success ?? []);
  checkOverlaps(request.failure ?? []);
}

function checkTxnOps(request: TxnRequest, maxTxnOps: number): void {
  const compares = request.compare ?? [];
  const success = request.success ?? [];
  const failure = request.failure ?? [];
  const ops = Math.max(compares.length, success.length, failure.length);
  if (ops > maxTxnOps) throw new TooManyOpsError();
  for (const compare of compares) {
    if (!compare.key || compare.key.length === 0) throw new EmptyKeyError();
  }
  for (const op of [...success, ...failure]) checkRequestOp(op, maxTxnOps - ops);
}

function checkRequestOp(op: RequestOp, maxTxnOps: number): void {
  if (op.requestRange) checkRangeRequest(op.requestRange);
  else if (op.requestPut) checkPutRequest(op.requestPut);
  else if (op.requestDeleteRange) checkDeleteRangeRequest(op.requestDeleteRange);
  else if (op.requestTxn) checkTxnOps(op.requestTxn, maxTxnOps);
  // An op with nothing set: etcd answers "key not found".
  else throw new KeyNotFoundError();
}

/**
 * A deleted interval as etcd's overlap check sees it: [begin, end) compared as strings, where only an
 * empty end is unbounded. So a delete with range_end `\0` ("to the end") is an empty interval here,
 * and a put under it is not reported as a duplicate, exactly as etcd lets it through.
 */
interface DeletedInterval {
  begin: KeyString;
  end: KeyString;
}

function intervalHolds(interval: DeletedInterval, key: KeyString): boolean {
  return interval.begin <= key && (interval.end === '' || key < interval.end);
}

function deletes(intervals: DeletedInterval[], key: KeyString): boolean {
  return intervals.some((interval) => intervalHolds(interval, key));
}

/**
 * No key may be put twice, or put and deleted, in one txn (etcd's checkIntervals): a key put in both
 * branches of a nested txn is fine, since only one branch runs. Returns the keys put and intervals
 * deleted at this level and below, for the enclosing level's check.
 */
function checkOverlaps(ops: RequestOp[]): { puts: Set<KeyString>; dels: DeletedInterval[] } {
  const dels: DeletedInterval[] = [];
  for (const op of ops) {
    const del = op.requestDeleteRange;
    if (!del) continue;
    const begin = toKeyString(del.key);
    // A single key is the interval [key, key + "\0"), which holds exactly that key.
    const end = del.rangeEnd && del.rangeEnd.length > 0 ? toKeyString(del.rangeEnd) : begin + '\0';
    dels.push({ begin, end });
  }

  const puts = new Set<KeyString>();
  for (const op of ops) {
    const nested = op.requestTxn;
    if (!nested) continue;
    const then = checkOverlaps(nested.success ?? []);
    const otherwise = checkOverlaps(nested.failure ?? []);
    for (const key of then.puts) {
      if (puts.has(key) || deletes(dels, key)) throw new DuplicateKeyError();
      puts.add(key);
    }
    for (const key of otherwise.puts) {
      if ((puts.has(key) && !then.puts.has(key)) || deletes(dels, key)) throw new DuplicateKeyError();
      puts.add(key);
    }
    dels.push(...then.dels, ...otherwise.dels);
  }

  for (const op of ops) {
    const put = op.requestPut;
    if (!put) continue;
    const key = toKeyString(put.key);
    if (puts.has(key) || deletes(dels, key)) throw new DuplicateKeyError();
    puts.add(key);
  }
  return { puts, dels };
}
