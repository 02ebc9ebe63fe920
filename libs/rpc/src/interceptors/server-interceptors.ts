import {
  type Metadata,
  type ServerInterceptor,
  ServerInterceptingCall,
  type status,
  type StatusObject,
} from '@grpc/grpc-js';
import { runWithDeadline } from '../deadline/deadline-propagation.js';
import type { CallKind } from './client-interceptors.js';

/**
 * Server interceptors for grpc-js servers: `new Server({ interceptors: [...] })`, or in NestJS
 * `options: { channelOptions: { interceptors: [...] } }` (Nest hands channelOptions to the server).
 */
export type { ServerInterceptor };

/**
 * Runs each handler inside a deadline scope holding the call's inbound deadline, so that Flotilla
 * client calls it makes downstream get only the time that remains (see runWithDeadline).
 */
export function deadlineServerInterceptor(): ServerInterceptor {
  return (_method, call) => {
    const raw = call.getDeadline();
    const deadline = raw instanceof Date ? raw.getTime() : raw;
    if (!Number.isFinite(deadline)) return new ServerInterceptingCall(call);
    const scoped = <T>(fn: () => T): T => runWithDeadline(deadline, fn);
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          // Handlers are invoked from these callbacks (metadata for streaming calls, half-close for unary).
          onReceiveMetadata: (metadata, nextMetadata) => scoped(() => nextMetadata(metadata)),
          onReceiveMessage: (message, nextMessage) => scoped(() => nextMessage(message)),
          onReceiveHalfClose: (nextHalfClose) => scoped(() => nextHalfClose()),
        });
      },
    });
  };
}

export interface ServerCallEvent {
  method: string;
  code: StatusObject['code'];
  details: string;
  durationMs: number;
}

/** Reports every served call's final status and duration (logging, telemetry). */
export function serverCallObserver(observe: (event: ServerCallEvent) => void): ServerInterceptor {
  return (method, call) => {
    const started = performance.now();
    return new ServerInterceptingCall(call, {
      sendStatus(status, next) {
        observe({
          method: method.path,
          code: status.code,
          details: status.details ?? '',
          durationMs: performance.now() - started,
        });
        next(status);
      },
    });
  };
}

/** What a server call hook sees when a call arrives, before admission and before the handler. */
export interface ServerCallInfo {
  /** `/package.Service/Method` */
  readonly method: string;
  readonly kind: CallKind;
  /** The caller's request metadata (trace context, auth, ...). */
  readonly metadata: Metadata;
  /** The caller's address as grpc-js reports it (`ipv4:127.0.0.1:53412`). */
  readonly peer: string;
  /** Where this server listens (`127.0.0.1:50051`), when known. */
  readonly local: string | undefined;
}

/** One observed call: the scope its handler runs in, and the end of the call. */
export interface ServerCallScope {
  /**
   * Runs `fn` (the handler, and the consumption of what it returns) inside this call's scope, e.g.
   * with a span as the active context, so that calls the handler makes are its children.
   */
  run<T>(fn: () => T): T;
  /** Called once, with the status the call ended with (shed, failed, cancelled or OK). */
  end(code: status, details: string): void;
}

/**
 * A server-side counterpart of ClientInterceptor for transports that run handlers themselves
 * (`@flotilla/nest`'s `serverCallHooks`): `start` runs once per call and may return a scope.
 * Synchronous, so that a hook that does nothing costs nothing.
 */
export interface ServerCallHook {
  start(call: ServerCallInfo): ServerCallScope | void;
}
