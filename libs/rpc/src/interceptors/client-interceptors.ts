import { type Interceptor, Metadata, status } from '@grpc/grpc-js';

export type CallKind = 'unary' | 'server_stream' | 'client_stream' | 'bidi';

/** What a client interceptor sees when a call starts. It may add to `metadata`. */
export interface ClientCallInfo {
  /** Service name from the target or config (`greeter`). */
  readonly service: string;
  /** `/package.Service/Method` */
  readonly method: string;
  readonly kind: CallKind;
  readonly metadata: Metadata;
  /** Epoch ms. */
  readonly deadline: number;
}

/** How the call ended, after retries, hedges and transparent retries. */
export interface ClientCallOutcome {
  code: status;
  details: string;
  durationMs: number;
  /** `host:port` of the endpoint the last attempt went to; undefined when none was picked. */
  endpoint?: string | undefined;
}

/**
 * A Flotilla client interceptor: `start` runs once per call, before the first attempt (add auth
 * metadata, open a span, log), and may return a function called once when the call ends. Calls
 * (not attempts) are the unit, and the hooks are plain synchronous functions, so interceptors cost
 * almost nothing; for per-attempt or asynchronous work, pass grpc-js interceptors as
 * `grpcInterceptors` (they run on every attempt, inside the channel) or use CallCredentials.
 */
export interface ClientInterceptor {
  start(call: ClientCallInfo): ((outcome: ClientCallOutcome) => void) | void;
}

/** grpc-js's own (per-attempt) client interceptor type. */
export type GrpcClientInterceptor = Interceptor;

/** Adds metadata to every call, e.g. `metadataInterceptor(() => ({ authorization: `Bearer ${token()}` }))`. */
export function metadataInterceptor(
  provide: (method: string) => Record<string, string> | Metadata,
): ClientInterceptor {
  return {
    start(call) {
      const extra = provide(call.method);
      if (extra instanceof Metadata) call.metadata.merge(extra);
      else for (const key of Object.keys(extra)) call.metadata.set(key, extra[key] ?? '');
    },
  };
}

export interface ClientCallEvent extends ClientCallOutcome {
  service: string;
  method: string;
  kind: CallKind;
}

/** Reports every call's final status and duration: the hook for logging and telemetry. */
export function callObserverInterceptor(observe: (event: ClientCallEvent) => void): ClientInterceptor {
  return {
    start(call) {
      return (outcome) =>
        observe({ service: call.service, method: call.method, kind: call.kind, ...outcome });
    },
  };
}

/** Runs the interceptors' start hooks; returns the function that reports the outcome to them. */
export function startInterceptors(
  interceptors: readonly ClientInterceptor[],
  call: ClientCallInfo,
): (code: status, details: string, endpoint?: string) => void {
  if (interceptors.length === 0) return noop;
  const started = performance.now();
  const ends: ((outcome: ClientCallOutcome) => void)[] = [];
  for (const interceptor of interceptors) {
    const end = interceptor.start(call);
    if (end) ends.push(end);
  }
  if (ends.length === 0) return noop;
  let done = false;
  return (code, details, endpoint) => {
    if (done) return;
    done = true;
    const outcome = { code, details, durationMs: performance.now() - started, endpoint };
    // Innermost first, as the ends of nested calls would run.
    for (let i = ends.length - 1; i >= 0; i--) ends[i]?.(outcome);
  };
}

/** Status of a settled call, for interceptors: OK, or the ServiceError's code and details. */
export function outcomeOf(error: unknown): { code: status; details: string } {
  const e = error as { code?: unknown; details?: unknown; message?: unknown };
  return {
    code: typeof e.code === 'number' ? (e.code as status) : status.UNKNOWN,
    details: typeof e.details === 'string' ? e.details : String(e.message ?? error),
  };
}

function noop(): void {
  // No interceptor wants the outcome.
}
