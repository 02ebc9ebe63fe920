import { compareHolds } from './compare.js';
import { KeyNotFoundError, LeaseNotFoundError } from './errors.js';
import { toKeyRange, toKeyString, EMPTY_BYTES } from './key-range.js';
import { NO_LEASE, type Lessor } from './lessor.js';
import type { MvccState } from './mvcc-state.js';
import { executeRange } from './range.js';
import { checkTxnRequest } from './request-checks.js';
import { header } from './response-header.js';
import { checkTxnReadRevision } from './revision.js';
import type {
  DeleteRangeRequest,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
  WriteResult,
} from './types.js';
import { WriteTxn } from './write-txn.js';

/**
 * Which branch each txn takes: decided for the whole tree before anything runs, every compare
 * (nested ones too) against the state before the txn, as etcd does.
 */
interface TxnPath {
  succeeded: boolean;
  /** One entry per nested txn op of the taken branch, in order. */
  nested: TxnPath[];
}

/**
 * A Txn with etcd's semantics: validation (op budget, duplicate keys), branch choice against the
 * state before the txn, then the checks that need state (ranges within compaction, ignore_value /
 * ignore_lease keys and leases that exist) before the first write, then the ops in order at one
 * revision. A txn that changes nothing keeps the revision.
 */
export function executeTxn(
  state: MvccState,
  lessor: Lessor,
  request: TxnRequest,
  maxTxnOps: number,
): WriteResult<TxnResponse> {
  checkTxnRequest(request, maxTxnOps);
  const before = state.revision;
  const path = choosePath(state, before, request);
  checkPath(state, lessor, before, request, path);

  const txn = new WriteTxn(state, lessor);
  const response = applyTxn(txn, request, path);
  txn.end();
  response.header = header(txn.readRevision);
  return { response, events: txn.events };
}

/** The put of a write (a plain Put or one inside a txn); the request was checked before. */
export function applyPut(txn: WriteTxn, request: PutRequest): PutResponse {
  const key = toKeyString(request.key);
  const needsPrev = request.prevKv || request.ignoreValue || request.ignoreLease;
  let prevRow = needsPrev ? txn.state.liveRow(key, txn.readRevision) : -1;
  if (prevRow < 0 && (request.ignoreValue || request.ignoreLease)) {
    // Only reachable when this txn deleted the key with a range_end of "\0", which etcd's duplicate
    // check lets through (and etcd then crashes on): take the key as it was before the txn.
    prevRow = txn.state.liveRow(key, txn.beginRevision);
  }
  const value = request.ignoreValue ? txn.state.valueOfRow(prevRow) : (request.value ?? EMPTY_BYTES);
  const lease = request.ignoreLease ? txn.state.log.lease[prevRow] : (request.lease ?? NO_LEASE);
  const prevKv = request.prevKv && prevRow >= 0 ? txn.state.keyValue(prevRow) : undefined;
  txn.put(key, value, lease);
  return { header: header(txn.writeRevision), prevKv };
}

export function applyDeleteRange(txn: WriteTxn, request: DeleteRangeRequest): DeleteRangeResponse {
  const range = toKeyRange(request.key, request.rangeEnd);
  const prevKvs: DeleteRangeResponse['prevKvs'] = [];
  if (request.prevKv) {
    txn.state.scan(range, txn.readRevision, (row) => {
      prevKvs.push(txn.state.keyValue(row));
    });
  }
  const deleted = txn.deleteRange(range);
  // etcd reports the write revision once the txn has changed anything, else the current one.
  return { header: header(txn.readRevision), deleted, prevKvs };
}

function choosePath(state: MvccState, revision: number, request: TxnRequest): TxnPath {
  const succeeded = (request.compare ?? []).every((compare) => compareHolds(state, revision, compare));
  const ops = (succeeded ? request.success : request.failure) ?? [];
  const nested = ops.flatMap((op) => (op.requestTxn ? [choosePath(state, revision, op.requestTxn)] : []));
  return { succeeded, nested };
}

function branch(request: TxnRequest, path: TxnPath): RequestOp[] {
  return (path.succeeded ? request.success : request.failure) ?? [];
}

/** etcd's checkTxn: what could fail while applying, checked against the state before the txn. */
function checkPath(
  state: MvccState,
  lessor: Lessor,
  revision: number,
  request: TxnRequest,
  path: TxnPath,
): void {
  let nested = 0;
  for (const op of branch(request, path)) {
    if (op.requestRange) {
      checkTxnReadRevision(op.requestRange.revision ?? 0, revision, state.compactRevision);
    } else if (op.requestPut) {
      const put = op.requestPut;
      if ((put.ignoreValue || put.ignoreLease) && state.liveRow(toKeyString(put.key), revision) < 0) {
        throw new KeyNotFoundError();
      }
      const lease = put.lease ?? NO_LEASE;
      if (lease !== NO_LEASE && !lessor.has(lease)) throw new LeaseNotFoundError();
    } else if (op.requestTxn) {
      checkPath(state, lessor, revision, op.requestTxn, path.nested[nested++]);
    }
  }
}

function applyTxn(txn: WriteTxn, request: TxnRequest, path: TxnPath): TxnResponse {
  let nested = 0;
  const responses = branch(request, path).map((op): ResponseOp => {
    if (op.requestRange) return { responseRange: executeRange(txn.state, txn.readRevision, op.requestRange) };
    if (op.requestPut) return { responsePut: applyPut(txn, op.requestPut) };
    if (op.requestDeleteRange) return { responseDeleteRange: applyDeleteRange(txn, op.requestDeleteRange) };
    if (op.requestTxn) return { responseTxn: applyTxn(txn, op.requestTxn, path.nested[nested++]) };
    return {};
  });
  // A nested txn's header stays zero: etcd fills only the revision of the outermost one.
  return { header: header(0), succeeded: path.succeeded, responses };
}
