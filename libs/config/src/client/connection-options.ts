import {
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  type IBackoff,
} from 'cockatiel';
import { GRPCCancelledError, isRecoverableError, type IOptions } from 'etcd3';
import { ConfigArgumentError } from '../errors.js';

/**
 * How to reach etcd or flotilla-store: the same shape as @flotilla/discovery's EtcdConnectionOptions,
 * so one options object serves both. (It is restated here rather than imported because flotilla-store
 * depends on this package, and discovery's tests depend on flotilla-store.)
 */
export interface ConfigConnectionOptions {
  /** etcd client URLs (`http://host:port`, `https://host:port`, or bare `host:port`), as a list or comma-separated. */
  endpoints: string | readonly string[];
  /** PEM CA bundle, and a client certificate and key for `--client-cert-auth`. */
  tls?: { ca: Buffer | string; cert?: Buffer | string; key?: Buffer | string };
  /** etcd username/password auth. */
  auth?: { username: string; password: string };
  /** How long start() waits for a first answer before serving defaults or the cache. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Deadline of each unary call. Default 3000 ms. */
  callTimeoutMs?: number;
  /** Longest pause between reconnect attempts (channels and the watch stream). Default 1000 ms. */
  reconnectMaxMs?: number;
}

export interface ResolvedConnection {
  endpoints: string[];
  connectTimeoutMs: number;
  callTimeoutMs: number;
  reconnectMaxMs: number;
  etcd3: IOptions;
}

/** Checks the options (naming a bad field) and turns them into etcd3 client options. */
export function resolveConnection(options: ConfigConnectionOptions): ResolvedConnection {
  if (!options || options.endpoints === undefined)
    throw new ConfigArgumentError('config connection needs endpoints, e.g. http://127.0.0.1:2379');
  const raw = typeof options.endpoints === 'string' ? options.endpoints.split(',') : [...options.endpoints];
  const endpoints = raw
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((e) => (e.includes('://') ? e : `http://${e}`));
  if (endpoints.length === 0)
    throw new ConfigArgumentError(
      'config connection endpoints must list at least one URL, e.g. http://127.0.0.1:2379',
    );
  for (const endpoint of endpoints) {
    if (!/^https?:\/\/[^/]+:\d+\/?$/.test(endpoint))
      throw new ConfigArgumentError(`config connection endpoint "${endpoint}" must be http(s)://host:port`);
  }
  // One client uses one kind of channel: TLS for all endpoints or for none (as @flotilla/discovery).
  const secure = endpoints.filter((e) => e.startsWith('https:')).length;
  if (secure !== 0 && secure !== endpoints.length)
    throw new ConfigArgumentError(`config connection endpoints mix http and https: ${endpoints.join(', ')}`);
  if (options.auth && (!options.auth.username || typeof options.auth.password !== 'string'))
    throw new ConfigArgumentError('config connection auth needs a non-empty username and a password');
  const connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, 5000);
  const callTimeoutMs = positive('callTimeoutMs', options.callTimeoutMs, 3000);
  const reconnectMaxMs = positive('reconnectMaxMs', options.reconnectMaxMs, 1000);
  const buffer = (v: Buffer | string | undefined) => (v === undefined ? undefined : Buffer.from(v));
  const ca = buffer(options.tls?.ca);
  const etcd3: IOptions = {
    hosts: endpoints,
    ...(ca
      ? {
          credentials: {
            rootCertificate: ca,
            privateKey: buffer(options.tls?.key),
            certChain: buffer(options.tls?.cert),
          },
        }
      : {}),
    ...(options.auth ? { auth: { username: options.auth.username, password: options.auth.password } } : {}),
    dialTimeout: connectTimeoutMs,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    grpcOptions: {
      'grpc.initial_reconnect_backoff_ms': Math.min(100, reconnectMaxMs),
      'grpc.max_reconnect_backoff_ms': reconnectMaxMs,
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
    },
    // etcd3's defaults wait up to 30 s before looking at a member or the watch stream again; a
    // config handle should notice a returning store within about reconnectMaxMs.
    faultHandling: {
      global: retry(handleWhen(isRecoverableError), { maxAttempts: Math.max(1, endpoints.length - 1) }),
      host: () =>
        circuitBreaker(
          // etcd3 cancels its own watch stream when the last watcher goes; that is not the member failing.
          handleWhen((e) => isRecoverableError(e) && !(e instanceof GRPCCancelledError)),
          { halfOpenAfter: Math.min(500, reconnectMaxMs), breaker: new ConsecutiveBreaker(2) },
        ),
      // Typed as IBackoff, but etcd3 uses it as a factory, which ExponentialBackoff is.
      watchBackoff: new ExponentialBackoff({
        initialDelay: 50,
        maxDelay: reconnectMaxMs,
      }) as unknown as IBackoff<unknown>,
    },
  };
  return { endpoints, connectTimeoutMs, callTimeoutMs, reconnectMaxMs, etcd3 };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigArgumentError(`${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}
