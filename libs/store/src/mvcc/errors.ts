import { RpcErrors, type GrpcCode, type RpcErrorSpec } from '../rpc-errors.js';

/** An error that etcd's server answers with: `code` is the gRPC status, `message` etcd's exact text. */
export class EtcdError extends Error {
  readonly code: GrpcCode;

  constructor(spec: RpcErrorSpec) {
    super(spec.message);
    this.name = new.target.name;
    this.code = spec.code;
  }
}

export class EmptyKeyError extends EtcdError {
  constructor() {
    super(RpcErrors.emptyKey);
  }
}

/** Also etcd's answer to an empty RequestOp in a txn. */
export class KeyNotFoundError extends EtcdError {
  constructor() {
    super(RpcErrors.keyNotFound);
  }
}

export class ValueProvidedError extends EtcdError {
  constructor() {
    super(RpcErrors.valueProvided);
  }
}

export class LeaseProvidedError extends EtcdError {
  constructor() {
    super(RpcErrors.leaseProvided);
  }
}

export class TooManyOpsError extends EtcdError {
  constructor() {
    super(RpcErrors.tooManyOps);
  }
}

export class DuplicateKeyError extends EtcdError {
  constructor() {
    super(RpcErrors.duplicateKey);
  }
}

/** The revision asked for is below the compaction point; `compactRevision` is that point (a watch reports it). */
export class CompactedError extends EtcdError {
  constructor(readonly compactRevision: number) {
    super(RpcErrors.compacted);
  }
}

export class FutureRevisionError extends EtcdError {
  constructor() {
    super(RpcErrors.futureRev);
  }
}

export class LeaseNotFoundError extends EtcdError {
  constructor() {
    super(RpcErrors.leaseNotFound);
  }
}

export class LeaseExistsError extends EtcdError {
  constructor() {
    super(RpcErrors.leaseExist);
  }
}

export class LeaseTtlTooLargeError extends EtcdError {
  constructor() {
    super(RpcErrors.leaseTtlTooLarge);
  }
}
