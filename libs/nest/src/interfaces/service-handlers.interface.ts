import type { MethodShape, RequestOf, ResponseOf, ServiceShape } from '@flotilla/rpc';
import type { Observable } from 'rxjs';
import type { CallContext } from './call-context.interface.js';

/** Unary: one request, one reply (returned, awaited, or the last value of an Observable). */
export type UnaryHandler<Q, R> = (request: Q, context: CallContext) => R | Promise<R> | Observable<R>;
/** Server streaming: one request, a stream of replies (an Observable or an async iterable). */
export type ServerStreamHandler<Q, R> = (
  request: Q,
  context: CallContext,
) => Observable<R> | AsyncIterable<R>;
/** Client streaming: the requests as an Observable, one reply. */
export type ClientStreamHandler<Q, R> = (
  requests: Observable<Q>,
  context: CallContext,
) => R | Promise<R> | Observable<R>;
/** Bidirectional streaming: the requests as an Observable, a stream of replies. */
export type BidiStreamHandler<Q, R> = (
  requests: Observable<Q>,
  context: CallContext,
) => Observable<R> | AsyncIterable<R>;

/** The handler type a method of a ts-proto service definition requires, by its call shape. */
export type HandlerOf<M> = M extends { requestStream: false; responseStream: false }
  ? UnaryHandler<RequestOf<M>, ResponseOf<M>>
  : M extends { requestStream: false; responseStream: true }
    ? ServerStreamHandler<RequestOf<M>, ResponseOf<M>>
    : M extends { requestStream: true; responseStream: false }
      ? ClientStreamHandler<RequestOf<M>, ResponseOf<M>>
      : M extends { requestStream: true; responseStream: true }
        ? BidiStreamHandler<RequestOf<M>, ResponseOf<M>>
        : never;

/**
 * Every method of service definition `S` (ts-proto's `outputServices=grpc-js`, e.g. `GreeterService`),
 * typed from its codecs: `class GreeterController implements ServiceHandlers<typeof GreeterService>`.
 * `@GrpcService(GreeterService)` checks the same at the decorator, so a missing or misnamed method,
 * or a wrong request or reply type, does not compile.
 */
export type ServiceHandlers<S extends ServiceShape> = { [K in keyof S]: HandlerOf<S[K]> };

/** A method definition with the codecs the server side uses. */
export interface ServerMethodShape extends MethodShape {
  readonly requestDeserialize: (value: Buffer) => unknown;
  readonly responseSerialize: (value: never) => Buffer;
}
