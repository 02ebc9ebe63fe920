import type { Metadata } from '@grpc/grpc-js';

/**
 * What a handler knows about the call it serves; its second argument (`@Ctx()` in Nest terms).
 * Guards and interceptors get it from `context.switchToRpc().getContext()`.
 */
export interface CallContext {
  /** `/helloworld.v1.Greeter/SayHello` */
  readonly method: string;
  /** The caller's request metadata (headers). */
  readonly metadata: Metadata;
  /** The caller's deadline, epoch milliseconds; Infinity when it set none. */
  readonly deadline: number;
  /** The caller's address. */
  readonly peer: string;
  /** Aborted when the call is cancelled: by the caller, its deadline, or a forced shutdown. */
  readonly signal: AbortSignal;
  /** Sends response headers now (before the first reply). */
  sendMetadata(metadata: Metadata): void;
}
