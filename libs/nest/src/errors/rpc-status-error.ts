import { status } from '@grpc/grpc-js';

export interface RpcStatusErrorOptions {
  /**
   * Machine-readable reason sent to the caller in a google.rpc.ErrorInfo (UPPER_SNAKE_CASE, e.g.
   * `NAME_REQUIRED`), so that it can branch on it. Its domain is the service name.
   */
  reason?: string;
  /** Extra string details for the ErrorInfo, e.g. `{ field: 'name' }`. */
  metadata?: Record<string, string>;
  cause?: unknown;
}

/**
 * An error a handler throws on purpose: the call fails with `code` and `message` (sent to the
 * caller as is) plus an ErrorInfo carrying `reason`. Anything else a handler throws is unexpected
 * and reaches the caller as INTERNAL with no details.
 */
export class RpcStatusError extends Error {
  readonly reason: string;
  readonly metadata: Readonly<Record<string, string>>;

  constructor(
    readonly code: status,
    message: string,
    options: RpcStatusErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.reason = options.reason ?? status[code];
    this.metadata = options.metadata ?? {};
  }
}

/** The request is malformed or fails validation: INVALID_ARGUMENT. Default reason `INVALID_ARGUMENT`. */
export class ValidationError extends RpcStatusError {
  constructor(message: string, options: RpcStatusErrorOptions = {}) {
    super(status.INVALID_ARGUMENT, message, options);
  }
}

/** What the request names does not exist: NOT_FOUND. Default reason `NOT_FOUND`. */
export class NotFoundError extends RpcStatusError {
  constructor(message: string, options: RpcStatusErrorOptions = {}) {
    super(status.NOT_FOUND, message, options);
  }
}
