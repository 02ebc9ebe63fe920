import { type ServerInterceptor, ServerInterceptingCall, type StatusObject } from '@grpc/grpc-js';
import { runWithDeadline } from '../deadline/deadline-propagation.js';

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
