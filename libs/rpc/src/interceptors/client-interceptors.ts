import { type Interceptor, InterceptingCall, Metadata, type StatusObject } from '@grpc/grpc-js';

/**
 * Client interceptors are grpc-js interceptors, run for every attempt in the order given (the
 * first is outermost). Pass them as `createClient(..., { interceptors })`.
 */
export type ClientInterceptor = Interceptor;

/** Adds metadata to every call, e.g. `metadataInterceptor(() => ({ authorization: `Bearer ${token()}` }))`. */
export function metadataInterceptor(provide: (method: string) => Record<string, string> | Metadata): ClientInterceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        const extra = provide(options.method_definition.path);
        if (extra instanceof Metadata) metadata.merge(extra);
        else for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
        next(metadata, listener);
      },
    });
}

export interface ClientCallEvent {
  /** `/package.Service/Method` */
  method: string;
  code: StatusObject['code'];
  details: string;
  durationMs: number;
}

/** Reports each attempt's status and duration: the hook for logging and telemetry. */
export function callObserverInterceptor(observe: (event: ClientCallEvent) => void): ClientInterceptor {
  return (options, nextCall) => {
    const started = performance.now();
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        next(metadata, {
          onReceiveStatus(status, nextStatus) {
            observe({
              method: options.method_definition.path,
              code: status.code,
              details: status.details,
              durationMs: performance.now() - started,
            });
            nextStatus(status);
          },
        });
      },
    });
  };
}
