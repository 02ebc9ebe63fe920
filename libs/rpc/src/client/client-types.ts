import type { Metadata } from '@grpc/grpc-js';
import type { EndpointSnapshot } from '../balancer/endpoint-state.js';
import type { PolicyName } from '../config/rpc-config.js';

/** Per-call options. Every call has a deadline: this one, else the method's default from config. */
export interface CallOptions {
  /** Absolute deadline. */
  deadline?: Date;
  /** Relative deadline; ignored when `deadline` is given. */
  timeoutMs?: number;
  metadata?: Metadata | Record<string, string>;
  /** Aborting cancels the call; it then fails with CANCELLED. */
  signal?: AbortSignal;
}

/** One method of a ts-proto `outputServices=grpc-js` service definition, structurally. */
export interface MethodShape {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  readonly requestSerialize: (value: never) => Buffer;
  readonly responseDeserialize: (value: Buffer) => unknown;
}

/** A ts-proto generated service definition, e.g. `GreeterService`. */
export type ServiceShape = { readonly [method: string]: MethodShape };

export type RequestOf<M> = M extends { requestSerialize: (value: infer Q) => Buffer } ? Q : never;
export type ResponseOf<M> = M extends { responseDeserialize: (value: Buffer) => infer R } ? R : never;

export type UnaryMethod<Q, R> = (request: Q, options?: CallOptions) => Promise<R>;

/** Server streaming: iterate the replies; a failure is thrown from the loop as a ServiceError. */
export interface ServerStreamCall<R> extends AsyncIterable<R> {
  cancel(): void;
}
export type ServerStreamMethod<Q, R> = (request: Q, options?: CallOptions) => ServerStreamCall<R>;

/** Client streaming: the requests as an (async) iterable, written with backpressure; then one reply. */
export type ClientStreamMethod<Q, R> = (
  requests: AsyncIterable<Q> | Iterable<Q>,
  options?: CallOptions,
) => Promise<R>;

/** Bidirectional streaming: write requests, end, and iterate the replies concurrently. */
export interface BidiCall<Q, R> extends AsyncIterable<R> {
  /** Resolves when the request is handed to the transport (waits out backpressure). */
  write(request: Q): Promise<void>;
  /** Half-closes: no more requests. */
  end(): void;
  cancel(): void;
}
export type BidiMethod<Q, R> = (options?: CallOptions) => BidiCall<Q, R>;

type Builtin =
  Date | ((...args: never[]) => unknown) | Uint8Array | string | number | boolean | bigint | undefined;

/** Like ts-proto's DeepPartial: every field optional, all the way down (what `fromPartial` takes). */
export type DeepPartial<T> = T extends Builtin
  ? T
  : T extends readonly (infer U)[]
    ? DeepPartial<U>[]
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : Partial<T>;

/** The request a caller passes: the full message, or any part of it when the client has the schema. */
export type RequestInput<M, Partials extends boolean> = Partials extends true
  ? DeepPartial<RequestOf<M>>
  : RequestOf<M>;

export type ClientMethod<M, Partials extends boolean = false> = M extends {
  requestStream: false;
  responseStream: false;
}
  ? UnaryMethod<RequestInput<M, Partials>, ResponseOf<M>>
  : M extends { requestStream: false; responseStream: true }
    ? ServerStreamMethod<RequestInput<M, Partials>, ResponseOf<M>>
    : M extends { requestStream: true; responseStream: false }
      ? ClientStreamMethod<RequestInput<M, Partials>, ResponseOf<M>>
      : M extends { requestStream: true; responseStream: true }
        ? BidiMethod<RequestInput<M, Partials>, ResponseOf<M>>
        : never;

export interface ClientStats {
  service: string;
  policy: PolicyName;
  endpoints: EndpointSnapshot[];
  /** Retries with backoff (idempotent methods). */
  retries: number;
  /** Retries of attempts that never reached a server. */
  transparentRetries: number;
  hedges: number;
  /** Retries and hedges the budget refused. */
  retriesThrottled: number;
  budgetTokens: number;
}

/** Members not generated from the service; `$`-prefixed so they cannot clash with method names. */
export interface ClientControl {
  $close(): void;
  $stats(): ClientStats;
  /** Resolves once the channel is connected to at least one endpoint (or rejects at the deadline). */
  $waitForReady(deadline: Date): Promise<void>;
}

/**
 * The typed client for service definition `S`: one promise-based method per RPC. With `Partials`
 * (a client created with `schemas`), requests may leave fields out.
 */
export type TypedClient<S extends ServiceShape, Partials extends boolean = false> = {
  readonly [K in keyof S]: ClientMethod<S[K], Partials>;
} & ClientControl;
