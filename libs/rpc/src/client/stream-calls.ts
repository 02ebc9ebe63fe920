import { once } from 'node:events';
import type {
  Client,
  ClientDuplexStream,
  ClientReadableStream,
  ClientWritableStream,
  Metadata,
  ServiceError,
  status,
  StatusObject,
} from '@grpc/grpc-js';
import { ATTEMPT_METADATA_KEY, type BalancerContext } from '../balancer/balancer-context.js';
import type { BidiCall, ServerStreamCall } from './client-types.js';

export interface StreamTarget<Q, R> {
  client: Client;
  context: BalancerContext;
  path: string;
  serialize: (value: Q) => Buffer;
  deserialize: (value: Buffer) => R;
}

/**
 * Streaming calls are not retried by Flotilla once started (replaying a stream is the caller's
 * decision); grpc-js still retries transparently a stream that never reached a server. They are
 * tagged so that the picker balances them without counting their duration as latency.
 */
type OnEnd = (code: status, details: string, endpoint: string | undefined) => void;

function tag(
  context: BalancerContext,
  metadata: Metadata,
  onEnd: OnEnd,
): { metadata: Metadata; done: (s: StatusObject) => void } {
  const attempt = context.beginAttempt(undefined, true);
  const id = attempt.id;
  metadata.set(ATTEMPT_METADATA_KEY, id);
  return {
    metadata,
    done: (s) => {
      context.endAttempt(id);
      onEnd(s.code, s.details, attempt.endpoint);
    },
  };
}

function cancelOnAbort(
  signal: AbortSignal | undefined,
  call: { cancel(): void; once(event: 'status', fn: () => void): unknown },
): void {
  if (!signal) return;
  const onAbort = () => call.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  call.once('status', () => signal.removeEventListener('abort', onAbort));
}

export function serverStream<Q, R>(
  target: StreamTarget<Q, R>,
  request: Q,
  metadata: Metadata,
  deadline: number,
  signal: AbortSignal | undefined,
  onEnd: OnEnd,
): ServerStreamCall<R> {
  const t = tag(target.context, metadata, onEnd);
  const call: ClientReadableStream<R> = target.client.makeServerStreamRequest(
    target.path,
    target.serialize,
    target.deserialize,
    request,
    t.metadata,
    { deadline },
  );
  call.once('status', t.done);
  cancelOnAbort(signal, call);
  if (signal?.aborted) call.cancel();
  return {
    [Symbol.asyncIterator]: () => call[Symbol.asyncIterator]() as AsyncIterator<R>,
    cancel: () => call.cancel(),
  };
}

export async function clientStream<Q, R>(
  target: StreamTarget<Q, R>,
  requests: AsyncIterable<Q> | Iterable<Q>,
  metadata: Metadata,
  deadline: number,
  signal: AbortSignal | undefined,
  onEnd: OnEnd,
): Promise<R> {
  const t = tag(target.context, metadata, onEnd);
  let call: ClientWritableStream<Q> | undefined;
  const reply = new Promise<R>((resolve, reject) => {
    call = target.client.makeClientStreamRequest(
      target.path,
      target.serialize,
      target.deserialize,
      t.metadata,
      { deadline },
      (error: ServiceError | null, value?: R) => (error ? reject(error) : resolve(value as R)),
    );
  });
  if (!call) throw new Error('grpc-js did not start the client stream');
  const writable: ClientWritableStream<Q> = call;
  writable.once('status', t.done);
  cancelOnAbort(signal, writable);
  if (signal?.aborted) writable.cancel();
  try {
    for await (const request of requests) {
      if (writable.destroyed || writable.writableEnded) break;
      if (!writable.write(request))
        await Promise.race([once(writable, 'drain'), reply.catch(() => undefined)]);
    }
    writable.end();
  } catch (error) {
    writable.cancel();
    reply.catch(() => undefined);
    throw error;
  }
  return reply;
}

export function bidiStream<Q, R>(
  target: StreamTarget<Q, R>,
  metadata: Metadata,
  deadline: number,
  signal: AbortSignal | undefined,
  onEnd: OnEnd,
): BidiCall<Q, R> {
  const t = tag(target.context, metadata, onEnd);
  const call: ClientDuplexStream<Q, R> = target.client.makeBidiStreamRequest(
    target.path,
    target.serialize,
    target.deserialize,
    t.metadata,
    { deadline },
  );
  call.once('status', t.done);
  cancelOnAbort(signal, call);
  if (signal?.aborted) call.cancel();
  return {
    async write(request: Q) {
      if (!call.write(request)) await once(call, 'drain');
    },
    end: () => call.end(),
    cancel: () => call.cancel(),
    [Symbol.asyncIterator]: () => call[Symbol.asyncIterator]() as AsyncIterator<R>,
  };
}
