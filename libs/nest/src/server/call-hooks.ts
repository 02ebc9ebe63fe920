import type { status } from '@grpc/grpc-js';
import type { ErrorStatus } from './error-status.js';

/** What FlotillaServer does around every call, whatever its shape. */
export interface CallHooks {
  /** Before the handler: undefined to go ahead, or the status to reject the call with at once. */
  admit(method: string): ErrorStatus | undefined;
  /** Once the call has ended (status sent, or cancelled). `startedAt` is from performance.now(). */
  done(method: string, startedAt: number, code: status): void;
  /** Maps what a handler threw to the call's status (and logs what nobody meant to throw). */
  toStatus(error: unknown, method: string): ErrorStatus;
}

/** Nest's handler proxy: runs guards, interceptors, pipes and filters around the controller method. */
export type NestHandler = (data: unknown, context: unknown) => Promise<unknown>;
