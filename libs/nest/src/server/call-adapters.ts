import {
  type handleBidiStreamingCall,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  status,
} from '@grpc/grpc-js';
import { deadlineScopesNeeded, runWithDeadline, type ServerCallScope } from '@flotilla/rpc';
import { concatMap, from, isObservable, Observable, of, type Subscription } from 'rxjs';
import type { CallHooks, NestHandler } from './call-hooks.js';
import type { ObserveCall } from './call-observers.js';
import { deadlineOf, GrpcCallContext } from './grpc-call-context.js';

type Reply = unknown;
type Call = ServerWritableStream<unknown, Reply> | ServerDuplexStream<unknown, Reply>;

/**
 * The four grpc-js handler shapes over one Nest handler each. Every call goes through the hooks
 * (admission, outcome) and runs in a deadline scope, so Flotilla client calls it makes downstream
 * get at most the time its caller has left. With `observe` (the module's server call hooks, e.g.
 * tracing), each call is also observed from arrival to end, and its handler runs in their scope.
 */
export function unaryHandler(
  path: string,
  invoke: NestHandler,
  hooks: CallHooks,
  observe?: ObserveCall,
): handleUnaryCall<unknown, Reply> {
  return (call, callback) => answerOnce(call, callback, path, invoke, hooks, observe, () => call.request);
}

/**
 * The shapes with one reply (unary, client stream): admission, then the handler on `input()` in the
 * observers' and deadline scopes, then one callback with its value or mapped status.
 */
function answerOnce(
  call: ServerUnaryCall<unknown, Reply> | ServerReadableStream<unknown, Reply>,
  callback: sendUnaryData<Reply>,
  path: string,
  invoke: NestHandler,
  hooks: CallHooks,
  observe: ObserveCall | undefined,
  input: (observed: ServerCallScope | undefined) => unknown,
): void {
  const observed = observe?.(call);
  const rejected = hooks.admit(path);
  if (rejected) {
    observed?.end(rejected.code, rejected.details);
    callback(rejected);
    return;
  }
  const started = performance.now();
  const reply = (value: Reply) => {
    callback(null, value);
    hooks.done(path, started, status.OK);
    observed?.end(status.OK, 'OK');
  };
  const fail = (error: unknown) => {
    const failure = hooks.toStatus(error, path);
    callback(failure);
    hooks.done(path, started, failure.code);
    observed?.end(failure.code, failure.details);
  };
  const run = () =>
    scoped(call, () => invoke(input(observed), new GrpcCallContext(path, call))).then(
      (result) => settle(result, reply, fail),
      fail,
    );
  void (observed ? observed.run(run) : run());
}

/**
 * Runs the handler in a deadline scope (see @flotilla/rpc's runWithDeadline), once the process
 * has Flotilla clients that would read it.
 */
function scoped(call: Parameters<typeof deadlineOf>[0], run: () => Promise<unknown>): Promise<unknown> {
  return deadlineScopesNeeded() ? runWithDeadline(deadlineOf(call), run) : run();
}

export function serverStreamHandler(
  path: string,
  invoke: NestHandler,
  hooks: CallHooks,
  observe?: ObserveCall,
): handleServerStreamingCall<unknown, Reply> {
  return (call) => {
    const observed = observe?.(call);
    const rejected = hooks.admit(path);
    if (rejected) {
      observed?.end(rejected.code, rejected.details);
      call.emit('error', rejected);
      return;
    }
    const started = performance.now();
    const context = new GrpcCallContext(path, call);
    streamReplies(call, path, started, hooks, observed, () =>
      scoped(call, () => invoke(call.request, context)),
    );
  };
}

export function clientStreamHandler(
  path: string,
  invoke: NestHandler,
  hooks: CallHooks,
  observe?: ObserveCall,
): handleClientStreamingCall<unknown, Reply> {
  return (call, callback) =>
    answerOnce(call, callback, path, invoke, hooks, observe, (observed) => requestsOf(call, observed));
}

export function bidiStreamHandler(
  path: string,
  invoke: NestHandler,
  hooks: CallHooks,
  observe?: ObserveCall,
): handleBidiStreamingCall<unknown, Reply> {
  return (call) => {
    const observed = observe?.(call);
    const rejected = hooks.admit(path);
    if (rejected) {
      observed?.end(rejected.code, rejected.details);
      call.emit('error', rejected);
      return;
    }
    const started = performance.now();
    const context = new GrpcCallContext(path, call);
    streamReplies(call, path, started, hooks, observed, () =>
      scoped(call, () => invoke(requestsOf(call, observed), context)),
    );
  };
}

/** A unary reply: the value itself, or the last value of an Observable. */
function settle(result: unknown, reply: (value: Reply) => void, fail: (error: unknown) => void): void {
  if (!isObservable(result)) {
    reply(result);
    return;
  }
  let last: { value: unknown } | undefined;
  result.subscribe({
    next: (value) => (last = { value }),
    error: fail,
    complete: () => (last ? reply(last.value) : fail(new Error('the handler completed without a reply'))),
  });
}

/**
 * The requests of a client or bidi stream as a cold Observable: it reads when subscribed (grpc-js
 * buffers until then), so nothing is lost if the handler subscribes late. A cancelled call errors
 * it, which releases whatever the handler built on it. grpc-js emits the messages from the
 * connection's context, so they are delivered in the observers' scope: what the handler does per
 * message (a downstream call, say) belongs to this call.
 */
function requestsOf(
  call: ServerReadableStream<unknown, Reply> | ServerDuplexStream<unknown, Reply>,
  observed: ServerCallScope | undefined,
): Observable<unknown> {
  return new Observable((subscriber) => {
    const onData = observed
      ? (request: unknown) => observed.run(() => subscriber.next(request))
      : (request: unknown) => subscriber.next(request);
    const onEnd = observed ? () => observed.run(() => subscriber.complete()) : () => subscriber.complete();
    const onError = (error: Error) => subscriber.error(error);
    const onCancelled = () =>
      subscriber.error(
        Object.assign(new Error('the call was cancelled'), { code: status.CANCELLED, details: 'cancelled' }),
      );
    call.on('data', onData);
    call.once('end', onEnd);
    call.once('error', onError);
    call.once('cancelled', onCancelled);
    return () => {
      call.off('data', onData);
      call.off('end', onEnd);
      call.off('error', onError);
      call.off('cancelled', onCancelled);
    };
  });
}

/**
 * Writes a stream of replies: from an Observable (as it emits) or an async iterable (pulled, with
 * backpressure). Ends the call with OK when the stream completes, or with the mapped status when it
 * fails; stops the stream if the call is cancelled.
 */
function streamReplies(
  call: Call,
  path: string,
  started: number,
  hooks: CallHooks,
  observed: ServerCallScope | undefined,
  produce: () => Promise<unknown>,
): void {
  let ended = false;
  let subscription: Subscription | undefined;
  let iterator: AsyncIterator<unknown> | undefined;
  const finish = (error?: unknown) => {
    if (ended) return;
    ended = true;
    call.off('cancelled', onCancelled);
    if (error === undefined) {
      call.end();
      hooks.done(path, started, status.OK);
      observed?.end(status.OK, 'OK');
    } else {
      const failure = hooks.toStatus(error, path);
      call.emit('error', failure);
      hooks.done(path, started, failure.code);
      observed?.end(failure.code, failure.details);
    }
  };
  const onCancelled = () => {
    if (ended) return;
    ended = true;
    subscription?.unsubscribe();
    void iterator?.return?.().catch(() => undefined);
    hooks.done(path, started, status.CANCELLED);
    observed?.end(status.CANCELLED, 'cancelled');
  };
  call.once('cancelled', onCancelled);
  // The replies are produced and consumed in the observers' scope: what the handler's Observable or
  // generator calls downstream while streaming belongs to this call.
  const inScope = <T>(fn: () => T): T => (observed ? observed.run(fn) : fn());
  inScope(produce).then(
    (result) =>
      inScope(() => {
        if (ended) return;
        if (isObservable(result)) {
          // A Nest interceptor wraps whatever the handler returned in an Observable: an async
          // generator then arrives as one value, to be streamed in turn.
          subscription = result
            .pipe(concatMap((value) => (isAsyncIterable(value) ? from(value) : of(value))))
            .subscribe({
              next: (reply) => {
                if (!ended) call.write(reply);
              },
              error: (error: unknown) => finish(error),
              complete: () => finish(),
            });
        } else if (isAsyncIterable(result)) {
          iterator = result[Symbol.asyncIterator]();
          pull(call, iterator, () => ended).then(
            () => finish(),
            (error: unknown) => finish(error),
          );
        } else {
          finish(
            new TypeError(`${path}: a streaming handler must return an Observable or an async iterable`),
          );
        }
      }),
    (error: unknown) => finish(error),
  );
}

async function pull(call: Call, iterator: AsyncIterator<unknown>, stopped: () => boolean): Promise<void> {
  for (;;) {
    const next = await iterator.next();
    if (next.done || stopped()) return;
    if (!call.write(next.value)) await drained(call);
  }
}

function drained(call: Call): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.once('drain', done);
    call.once('cancelled', done);
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
