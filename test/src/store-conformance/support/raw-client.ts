import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type ClientDuplexStream,
  type GrpcObject,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { LeaseKeepAliveResponse, WatchResponse } from './wire.js';

/*
 * etcd's v3 services straight over gRPC, from the rpc.proto that the etcd3 client ships and loaded
 * as etcd3 loads it. etcd3's own wrappers keep only the message of an error; the cases also check
 * the gRPC status code, so they make their calls here (and through etcd3 and etcdctl elsewhere).
 */

const require = createRequire(import.meta.url);
const PROTO = join(dirname(require.resolve('etcd3/package.json')), 'proto', 'rpc.proto');

const pb = loadPackageDefinition(
  loadSync(PROTO, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true }),
)['etcdserverpb'] as GrpcObject;

type Service = 'KV' | 'Lease' | 'Cluster' | 'Maintenance' | 'Auth' | 'Watch';
type Message = Record<string, unknown>;
type UnaryMethod = (
  request: Message,
  metadata: Metadata,
  options: { deadline: number },
  callback: (error: ServiceError | null, response: unknown) => void,
) => void;
type DuplexMethod = (metadata: Metadata) => ClientDuplexStream<Message, unknown>;

/** What a failed call answers: its gRPC status code and message. */
export interface RpcFailure {
  code: number;
  details: string;
}

export class RawClient {
  private readonly clients = new Map<Service, Record<string, unknown> & { close(): void }>();

  constructor(readonly endpoint: string) {}

  kv<R = Message>(method: string, request: Message, timeoutMs?: number): Promise<R> {
    return this.unary('KV', method, request, timeoutMs);
  }

  lease<R = Message>(method: string, request: Message, timeoutMs?: number): Promise<R> {
    return this.unary('Lease', method, request, timeoutMs);
  }

  cluster<R = Message>(method: string, request: Message, timeoutMs?: number): Promise<R> {
    return this.unary('Cluster', method, request, timeoutMs);
  }

  maintenance<R = Message>(method: string, request: Message, timeoutMs?: number): Promise<R> {
    return this.unary('Maintenance', method, request, timeoutMs);
  }

  auth<R = Message>(method: string, request: Message, timeoutMs?: number): Promise<R> {
    return this.unary('Auth', method, request, timeoutMs);
  }

  /** A Watch stream: create, cancel and progress requests in, responses buffered. */
  watch(): Stream<WatchResponse> {
    return new Stream<WatchResponse>(this.duplex('Watch', 'watch'));
  }

  leaseKeepAlive(): Stream<LeaseKeepAliveResponse> {
    return new Stream<LeaseKeepAliveResponse>(this.duplex('Lease', 'leaseKeepAlive'));
  }

  /** The first message of a server-streaming call (Maintenance.Snapshot), or its error. */
  serverStreamFirst(
    service: Service,
    method: string,
    request: Message,
    timeoutMs = 10_000,
  ): Promise<unknown> {
    const client = this.client(service);
    const fn = client[method] as (r: Message, m: Metadata, o: { deadline: number }) => NodeJS.ReadableStream;
    const stream = fn.call(client, request, new Metadata(), { deadline: Date.now() + timeoutMs });
    return new Promise((resolve, reject) => {
      stream.once('data', (d: unknown) => {
        resolve(d);
        (stream as unknown as { cancel(): void }).cancel();
      });
      stream.once('error', reject);
      stream.once('end', () => reject(new Error(`${service}.${method} ended without a message`)));
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private unary<R>(service: Service, method: string, request: Message, timeoutMs = 15_000): Promise<R> {
    const client = this.client(service);
    const fn = client[method] as UnaryMethod | undefined;
    if (!fn) throw new Error(`etcdserverpb.${service} has no method ${method}`);
    return new Promise<R>((resolve, reject) =>
      fn.call(client, request, new Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) =>
        error ? reject(error) : resolve(response as R),
      ),
    );
  }

  private duplex(service: Service, method: string): ClientDuplexStream<Message, unknown> {
    const client = this.client(service);
    return (client[method] as DuplexMethod).call(client, new Metadata());
  }

  private client(service: Service): Record<string, unknown> & { close(): void } {
    let c = this.clients.get(service);
    if (!c) {
      const Ctor = pb[service] as ServiceClientConstructor;
      c = new Ctor(this.endpoint, credentials.createInsecure()) as unknown as Record<string, unknown> & {
        close(): void;
      };
      this.clients.set(service, c);
    }
    return c;
  }
}

/** Awaits a call that must fail, and returns its status code and message. */
export async function failure(call: Promise<unknown>): Promise<RpcFailure> {
  try {
    await call;
  } catch (e) {
    const error = e as Partial<ServiceError>;
    if (typeof error.code !== 'number') throw e;
    return { code: error.code, details: error.details ?? '' };
  }
  throw new Error('the call succeeded; it was expected to fail');
}

/**
 * A bidirectional stream whose responses are buffered, so a case can wait for the one it wants
 * (the others stay for later waits) and check afterwards that nothing else arrived.
 */
export class Stream<T> {
  /** Every response, in arrival order. */
  readonly received: T[] = [];
  private readonly taken = new Set<number>();
  private ended: Error | null = null;
  private wake: (() => void)[] = [];

  constructor(private readonly call: ClientDuplexStream<Message, unknown>) {
    call.on('data', (message: unknown) => {
      this.received.push(message as T);
      this.notify();
    });
    call.on('error', (e: Error) => {
      this.ended = e;
      this.notify();
    });
    call.on('end', () => {
      this.ended ??= new Error('stream ended');
      this.notify();
    });
  }

  send(request: Message): void {
    this.call.write(request);
  }

  /** The first response not taken yet that matches, once it arrives; it is then taken. */
  async next(match: (r: T) => boolean = () => true, timeoutMs = 10_000, what = 'a response'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex((r, index) => !this.taken.has(index) && match(r));
      if (i >= 0) {
        this.taken.add(i);
        return this.received[i] as T;
      }
      if (this.ended) throw new Error(`stream failed while waiting for ${what}: ${this.ended.message}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; received: ${JSON.stringify(this.received)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Responses not taken yet that match. */
  untaken(match: (r: T) => boolean = () => true): T[] {
    return this.received.filter((r, i) => !this.taken.has(i) && match(r));
  }

  close(): void {
    this.call.cancel();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }
}
