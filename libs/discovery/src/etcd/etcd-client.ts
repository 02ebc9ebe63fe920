import {
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
  retry,
} from 'cockatiel';
import { Etcd3, isRecoverableError, type IOptions } from 'etcd3';
import { errorMessage, EtcdUnavailableError } from '../errors.js';
import { type EtcdConnectionOptions, resolveEtcdOptions, type ResolvedEtcdOptions } from './etcd-options.js';

export interface EtcdConnection {
  readonly client: Etcd3;
  readonly options: ResolvedEtcdOptions;
  close(): void;
}

/**
 * Creates an etcd3 client tuned to fail fast and recover fast, and checks that etcd answers.
 *
 * The etcd3 defaults suit a long-lived app that can wait: a 30 s dial timeout, calls without
 * deadlines, a 5 s circuit breaker per host and up to 30 s between watch reconnects. Discovery
 * must instead notice a returning etcd within about a second, so every one of those is shortened.
 */
export async function connectEtcd(options: EtcdConnectionOptions): Promise<EtcdConnection> {
  const resolved = resolveEtcdOptions(options);
  const client = new Etcd3(clientOptions(resolved));
  const connection: EtcdConnection = { client, options: resolved, close: () => client.close() };
  try {
    await probe(connection);
  } catch (error) {
    client.close();
    throw error;
  }
  return connection;
}

function clientOptions(o: ResolvedEtcdOptions): IOptions {
  const toBuffer = (v: Buffer | string | undefined) =>
    v === undefined ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v);
  const ca = toBuffer(o.tls?.ca);
  return {
    hosts: o.endpoints,
    ...(ca
      ? {
          credentials: {
            rootCertificate: ca,
            privateKey: toBuffer(o.tls?.key),
            certChain: toBuffer(o.tls?.cert),
          },
        }
      : {}),
    ...(o.auth ? { auth: { username: o.auth.username, password: o.auth.password } } : {}),
    dialTimeout: o.connectTimeoutMs,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + o.callTimeoutMs }),
    grpcOptions: {
      'grpc.initial_reconnect_backoff_ms': Math.min(100, o.reconnectMaxMs),
      'grpc.max_reconnect_backoff_ms': o.reconnectMaxMs,
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
    },
    faultHandling: {
      // Try each member once per call before failing it.
      global: retry(handleWhen(isRecoverableError), { maxAttempts: Math.max(1, o.endpoints.length - 1) }),
      // Skip a member that failed twice in a row, but look at it again soon.
      host: () =>
        circuitBreaker(handleWhen(isRecoverableError), {
          halfOpenAfter: Math.min(500, o.reconnectMaxMs),
          breaker: new ConsecutiveBreaker(2),
        }),
      // etcd3 types this as IBackoff but calls it as a factory, which is what ExponentialBackoff is.
      watchBackoff: new ExponentialBackoff({
        initialDelay: 50,
        maxDelay: o.reconnectMaxMs,
      }) as unknown as IBackoff<unknown>,
    },
  };
}

/** Cheap calls until one succeeds or connectTimeoutMs passes; the error names every endpoint tried. */
async function probe(connection: EtcdConnection): Promise<void> {
  const { endpoints, connectTimeoutMs, callTimeoutMs } = connection.options;
  const deadline = Date.now() + connectTimeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const remaining = deadline - Date.now();
    try {
      await withTimeout(
        connection.client.maintenance.status({ deadline: Date.now() + Math.min(remaining, callTimeoutMs) }),
        remaining,
      );
      return;
    } catch (error) {
      lastError = error;
      // Auth and TLS failures will not heal by waiting.
      if (!isRecoverableError(error as Error) && !(error instanceof ProbeTimeout)) break;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(0, deadline - Date.now()))));
  }
  throw new EtcdUnavailableError(
    `etcd is unreachable: tried ${endpoints.join(', ')} for up to ${connectTimeoutMs} ms; last error: ${errorMessage(lastError ?? new Error('none'))}`,
    endpoints,
    { cause: lastError },
  );
}

class ProbeTimeout extends Error {}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProbeTimeout(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
