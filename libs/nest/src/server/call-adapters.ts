import {
  type handleBidiStreamingCall,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerWritableStream,
  status,
} from '@grpc/grpc-js';
import { deadlineScopesNeeded, runWithDeadline } from '@flotilla/rpc';
import { concatMap, from, isObservable, Observable, of, type Subscription } from 'rxjs';
import type { CallHooks, NestHandler } from './call-hooks.js';
import { deadlineOf, GrpcCallContext } from './grpc-call-context.js';

type Reply = unknown;
type Call = ServerWritableStream<unknown, Reply> | ServerDuplexStream<unknown, Reply>;

/**
 * The four grpc-js handler shapes over one Nest handler each. Every call goes through the hooks
 * (admission, outcome) and runs in a deadline scope, so Flotilla client calls it makes downstream
 * get at most the time its caller has left.
 */
export function unaryHandler(
  path: string,
  invoke: NestHandler,
  hooks: CallHooks,
): handleUnaryCall<unknown, Reply> {
  return (call, callback) => {
    const rejected = hooks.admit(path);
    if (rejected) return callback(rejected);
    const started = performance.now();
    const reply = (value: Reply) => {
      callback(null, value);
      hooks.done(path, started, status.OK);
    };
    const fail = (error: unknown) => {
      const failure = hooks.toStatus(error, path);
      callback(failure);
      hooks.done(path, started, failure.code);
    };
    scoped(call, () => invoke(call.request, new GrpcCallContext(path, call))).then(
      (result) => settle(result, reply, fail),
      fail,
    );
  };
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
): handleServerStreamingCall<unknown, Reply> {
  return (call) => {
    const rejected = hooks.admit(path);
    if (rejected) {
      call.emit('error', rejected);
      return;
    }
    const started = performance.now();
    const context = new GrpcCallContext(path, call);
    streamReplies(call, path, started, hooks, () => scoped(call, () => invoke(call.request, context)));
  };
}

export function clientStreamHandler(
  path: string,
  invoke: NestHandler,
  hooks: CallHooks,
): handleClientStreamingCall<unknown, Reply> {
  return (call, callback) => {
    const rejected = hooks.admit(path);
    if (rejected) return callback(rejected);
    const started = performance.now();
    const reply = (value: Reply) => {
      callback(null, value);
      hooks.done(path, started, status.OK);
    };
    const fail = (error: unknown) => {
      const failure = hooks.toStatus(error, path);
      callback(failure);
      hooks.done(path, started, failure.code);
    };
    scoped(call, () => invoke(requestsOf(call), new GrpcCallContext(path, call))).then(
      (result) => settle(result, reply, fail),
      fail,
    );
  };
}

export function bidiStreamHandler(
  path: string,
  invoke: NestHandler,
  hooks: CallHooks,
): handleBidiStreamingCall<unknown, Reply> {
  return (call) => {
    const rejected = hooks.admit(path);
    if (rejected) {
      call.emit('error', rejected);
      return;
    }
    const started = performance.now();
    const context = new GrpcCallContext(path, call);
    streamReplies(call, path, started, hooks, () => scoped(call, () => invoke(requestsOf(call), context)));
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
 * it, which releases whatever the handler built on it.
 */
function requestsOf(
  call: ServerReadableStream<unknown, Reply> | ServerDuplexStream<unknown, Reply>,
): Observable<unknown> {
  return new Observable((subscriber) => {
    const onData = (request: unknown) => subscriber.next(request);
    const onEnd = () => subscriber.complete();
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
    } else {
      const failure = hooks.toStatus(error, path);
      call.emit('error', failure);
      hooks.done(path, started, failure.code);
    }
  };
  const onCancelled = () => {
    if (ended) return;
    ended = true;
    subscription?.unsubscribe();
    void iterator?.return?.().catch(() => undefined);
    hooks.done(path, started, status.CANCELLED);
  };
  call.once('cancelled', onCancelled);
  produce().then(
    (result) => {
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
        finish(new TypeError(`${path}: a streaming handler must return an Observable or an async iterable`));
      }
    },
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
