/**
 * The store's request and response shapes. Field names and types follow the generated
 * `etcdserverpb`/`mvccpb` messages (int64 as JS numbers, bytes as Buffer), so a decoded gRPC request
 * can be passed in as is and a response goes back out as is; request fields are optional here so
 * tests and callers can leave defaults out. Enum fields are plain numbers with etcd's values.
 */

/** A key at one revision (mvccpb.KeyValue). A DELETE event's kv has only key and modRevision set. */
export interface KeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  /** 0 for a deleted key; 1 on (re)creation, then +1 per put. */
  version: number;
  value: Buffer;
  /** 0 when no lease is attached. */
  lease: number;
}

export const EventType = { Put: 0, Delete: 1 } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** One change at one revision (mvccpb.Event); prevKv is the key before it, when it existed. */
export interface Event {
  type: EventType;
  kv: KeyValue;
  prevKv: KeyValue | undefined;
}

/**
 * etcdserverpb.ResponseHeader. The store sets `revision`; cluster, member and term belong to the
 * server, which fills them on the top-level response (nested txn responses keep zeros, as etcd's do).
 */
export interface ResponseHeader {
  clusterId: number;
  memberId: number;
  revision: number;
  raftTerm: number;
}

export const SortOrder = { None: 0, Ascend: 1, Descend: 2 } as const;
export const SortTarget = { Key: 0, Version: 1, Create: 2, Mod: 3, Value: 4 } as const;

export interface RangeRequest {
  key: Uint8Array;
  /** Empty: only `key`. `\0`: every key >= key. Otherwise the half-open range [key, rangeEnd). */
  rangeEnd?: Uint8Array;
  /** 0 (or below) means no limit. */
  limit?: number;
  /** 0 (or below) means the current revision. */
  revision?: number;
  sortOrder?: number;
  sortTarget?: number;
  /** Served by the caller (read index or not); the store always reads its applied state. */
  serializable?: boolean;
  keysOnly?: boolean;
  countOnly?: boolean;
  minModRevision?: number;
  maxModRevision?: number;
  minCreateRevision?: number;
  maxCreateRevision?: number;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  /** Keys in the range at the read revision, before limit and the min/max revision filters. */
  count: number;
}

export interface PutRequest {
  key: Uint8Array;
  value?: Uint8Array;
  lease?: number;
  prevKv?: boolean;
  ignoreValue?: boolean;
  ignoreLease?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prevKv: KeyValue | undefined;
}

export interface DeleteRangeRequest {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  prevKv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prevKvs: KeyValue[];
}

export const CompareResult = { Equal: 0, Greater: 1, Less: 2, NotEqual: 3 } as const;
export const CompareTarget = { Version: 0, Create: 1, Mod: 2, Value: 3, Lease: 4 } as const;

/** Compares the target field of every key in [key, rangeEnd) (or of `key`) with the given operand. */
export interface Compare {
  result: number;
  target: number;
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  version?: number;
  createRevision?: number;
  modRevision?: number;
  value?: Uint8Array;
  lease?: number;
}

/** Exactly one field is set (a protobuf oneof); none set is etcd's "key not found" error. */
export interface RequestOp {
  requestRange?: RangeRequest;
  requestPut?: PutRequest;
  requestDeleteRange?: DeleteRangeRequest;
  requestTxn?: TxnRequest;
}

export interface ResponseOp {
  responseRange?: RangeResponse;
  responsePut?: PutResponse;
  responseDeleteRange?: DeleteRangeResponse;
  responseTxn?: TxnResponse;
}

export interface TxnRequest {
  compare?: Compare[];
  success?: RequestOp[];
  failure?: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionResponse {
  header: ResponseHeader;
}

export interface LeaseGrantResponse {
  header: ResponseHeader;
  ID: number;
  TTL: number;
  error: string;
}

export interface LeaseRevokeResponse {
  header: ResponseHeader;
}

/** A write's response and the watch events it produced, all at the write's revision, in order. */
export interface WriteResult<R> {
  response: R;
  events: Event[];
}
