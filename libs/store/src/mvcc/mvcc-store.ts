import { compact } from './compaction.js';
import { KeyNotFoundError, LeaseNotFoundError } from './errors.js';
import { eventsSince, type EventsSinceOptions } from './events.js';
import { keyBytes, toKeyRange, toKeyString } from './key-range.js';
import { DEFAULT_MIN_LEASE_TTL, Lessor, NO_LEASE, type Lease } from './lessor.js';
import { MvccState } from './mvcc-state.js';
import { executeRange } from './range.js';
import {
  checkDeleteRangeRequest,
  checkPutRequest,
  checkRangeRequest,
  DEFAULT_MAX_TXN_OPS,
} from './request-checks.js';
import { header } from './response-header.js';
import { decodeSnapshot, encodeSnapshot, encodeSnapshotInSteps } from './snapshot-codec.js';
import { applyDeleteRange, applyPut, executeTxn } from './txn.js';
import type {
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  Event,
  LeaseGrantResponse,
  LeaseRevokeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  WriteResult,
} from './types.js';
import { WriteTxn } from './write-txn.js';

export interface MvccStoreOptions {
  /** etcd's --max-txn-ops (default 128). */
  maxTxnOps?: number;
  /** Grants below this TTL get it (default 2 s, etcd's with its default election timeout). */
  minLeaseTtl?: number;
}

export interface MemoryStats {
  keys: number;
  rows: number;
  logBytes: number;
  valueBytes: number;
  valueChunks: number;
  leases: number;
}

/**
 * etcd's key-value state machine: MVCC keys with a cluster-wide revision, txns, compaction and
 * leases, as pure deterministic logic (no I/O, no clocks). Every replica that applies the same
 * calls in the same order holds the same state. Writes return the watch events they made.
 * Errors are EtcdError subclasses with etcd's gRPC codes and messages; a failed call changes nothing.
 */
export class MvccStore {
  private state = new MvccState();
  private lessor: Lessor;
  private readonly maxTxnOps: number;
  private readonly minLeaseTtl: number;

  constructor(options: MvccStoreOptions = {}) {
    this.maxTxnOps = options.maxTxnOps ?? DEFAULT_MAX_TXN_OPS;
    this.minLeaseTtl = options.minLeaseTtl ?? DEFAULT_MIN_LEASE_TTL;
    this.lessor = new Lessor(this.minLeaseTtl);
  }

  /** The revision of the last write (1 before any). */
  get revision(): number {
    return this.state.revision;
  }

  /** The compaction point: reads below it fail (-1 before any compaction). */
  get compactRevision(): number {
    return this.state.compactRevision;
  }

  range(request: RangeRequest): RangeResponse {
    checkRangeRequest(request);
    return executeRange(this.state, this.state.revision, request);
  }

  put(request: PutRequest): WriteResult<PutResponse> {
    checkPutRequest(request);
    const lease = request.lease ?? NO_LEASE;
    if (lease !== NO_LEASE && !this.lessor.has(lease)) throw new LeaseNotFoundError();
    if (
      (request.ignoreValue || request.ignoreLease) &&
      this.state.liveRow(toKeyString(request.key), this.state.revision) < 0
    ) {
      throw new KeyNotFoundError();
    }
    return this.write((txn) => applyPut(txn, request));
  }

  deleteRange(request: DeleteRangeRequest): WriteResult<DeleteRangeResponse> {
    checkDeleteRangeRequest(request);
    return this.write((txn) => applyDeleteRange(txn, request));
  }

  txn(request: TxnRequest): WriteResult<TxnResponse> {
    return executeTxn(this.state, this.lessor, request, this.maxTxnOps);
  }

  /** Compacts history below `revision` (etcd's Compact; always physical here). */
  compact(revision: number): CompactionResponse {
    compact(this.state, revision);
    return { header: header(this.state.revision) };
  }

  /** Events for [key, rangeEnd) since `startRevision` (see eventsSince in events.ts). */
  eventsSince(
    startRevision: number,
    key: Uint8Array,
    rangeEnd?: Uint8Array,
    options?: EventsSinceOptions,
  ): Event[] {
    return eventsSince(this.state, startRevision, toKeyRange(key, rangeEnd), options);
  }

  /**
   * Grants a lease. `id` 0 lets the store choose, deterministically from its state; the caller may
   * instead pass an ID it derived (from the Raft index, say) so every replica agrees.
   */
  leaseGrant(id: number, ttl: number): LeaseGrantResponse {
    const lease = this.lessor.grant(id, ttl);
    return { header: header(this.state.revision), ID: lease.id, TTL: lease.ttl, error: '' };
  }

  /** Revokes a lease, deleting its keys in byte order at one revision (none: no new revision). */
  leaseRevoke(id: number): WriteResult<LeaseRevokeResponse> {
    const keys = this.lessor.remove(id);
    const txn = new WriteTxn(this.state, this.lessor);
    for (const key of keys) txn.deleteRange({ start: key, end: key, single: true });
    txn.end();
    return { response: { header: header(this.state.revision) }, events: txn.events };
  }

  lease(id: number): Lease | undefined {
    return this.lessor.get(id);
  }

  /** The keys attached to a lease, in byte order (for LeaseTimeToLive with keys). */
  leaseKeys(id: number): Buffer[] {
    const lease = this.lessor.get(id);
    if (!lease) throw new LeaseNotFoundError();
    return [...lease.keys].sort().map(keyBytes);
  }

  /** Every lease, by ascending ID. */
  leases(): Lease[] {
    return this.lessor.list();
  }

  /**
   * The whole MVCC and lease state, for a Raft snapshot (see snapshot-codec.ts for the format),
   * after `prefix` if one is given.
   */
  snapshot(prefix?: Uint8Array): Uint8Array {
    return encodeSnapshot(this.state, this.lessor, prefix);
  }

  /** `snapshot()` in steps, for a caller that lets other work run between them (see the codec). */
  snapshotInSteps(prefix?: Uint8Array): Generator<void, Uint8Array, void> {
    return encodeSnapshotInSteps(this.state, this.lessor, prefix);
  }

  /** Replaces the whole state with a snapshot's. */
  restore(bytes: Uint8Array): void {
    const { state, lessor } = decodeSnapshot(bytes, this.minLeaseTtl);
    this.state = state;
    this.lessor = lessor;
  }

  static fromSnapshot(bytes: Uint8Array, options: MvccStoreOptions = {}): MvccStore {
    const store = new MvccStore(options);
    store.restore(bytes);
    return store;
  }

  memoryStats(): MemoryStats {
    return {
      keys: this.state.index.size,
      rows: this.state.log.length,
      logBytes: this.state.log.allocatedBytes,
      valueBytes: this.state.arena.allocatedBytes,
      valueChunks: this.state.arena.chunkCount,
      leases: this.lessor.size,
    };
  }

  private write<R>(apply: (txn: WriteTxn) => R): WriteResult<R> {
    const txn = new WriteTxn(this.state, this.lessor);
    const response = apply(txn);
    txn.end();
    return { response, events: txn.events };
  }
}
