import { InvalidArgumentError } from '../errors.js';

export interface EtcdTlsOptions {
  /** PEM CA bundle that signed the etcd servers' certificates. */
  ca: Buffer | string;
  /** PEM client certificate and key, for etcd's --client-cert-auth. */
  cert?: Buffer | string;
  key?: Buffer | string;
}

export interface EtcdConnectionOptions {
  /** One or more etcd client URLs (`http://host:port`, `https://host:port`, or bare `host:port` for http), as a list or comma-separated. */
  endpoints: string | readonly string[];
  /** TLS settings; `https://` endpoints without this use the system CA roots. */
  tls?: EtcdTlsOptions;
  /** etcd username/password auth. */
  auth?: { username: string; password: string };
  /** Start-up fails if etcd does not answer within this long. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Deadline of each unary etcd call. Default 3000 ms. */
  callTimeoutMs?: number;
  /**
   * Longest pause between reconnect attempts to an etcd member (channels and watch streams).
   * Default 1000 ms, so clients notice a returning etcd within about a second.
   */
  reconnectMaxMs?: number;
}

export interface ResolvedEtcdOptions {
  endpoints: string[];
  tls: EtcdTlsOptions | undefined;
  auth: { username: string; password: string } | undefined;
  connectTimeoutMs: number;
  callTimeoutMs: number;
  reconnectMaxMs: number;
}

/** Validates connection options and fills in defaults; throws InvalidArgumentError naming the bad field. */
export function resolveEtcdOptions(options: EtcdConnectionOptions): ResolvedEtcdOptions {
  const raw =
    typeof options.endpoints === 'string' ? options.endpoints.split(',') : [...(options.endpoints ?? [])];
  // A bare host:port means plain http, as etcdctl reads it.
  const endpoints = raw
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((e) => (e.includes('://') ? e : `http://${e}`));
  if (endpoints.length === 0)
    throw new InvalidArgumentError('etcd endpoints must list at least one URL, e.g. http://127.0.0.1:2379');
  for (const endpoint of endpoints) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new InvalidArgumentError(`etcd endpoint "${endpoint}" is not a URL like http://127.0.0.1:2379`);
    }
    if (
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.port === '' ||
      (url.pathname !== '/' && url.pathname !== '')
    ) {
      throw new InvalidArgumentError(`etcd endpoint "${endpoint}" must be http(s)://host:port`);
    }
  }
  const secure = endpoints.filter((e) => e.startsWith('https:')).length;
  if (secure !== 0 && secure !== endpoints.length) {
    throw new InvalidArgumentError(`etcd endpoints mix http and https: ${endpoints.join(', ')}`);
  }
  if (options.auth && (!options.auth.username || typeof options.auth.password !== 'string')) {
    throw new InvalidArgumentError('etcd auth needs a non-empty username and a password');
  }
  return {
    endpoints,
    tls: options.tls,
    auth: options.auth,
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 5000),
    callTimeoutMs: positive('callTimeoutMs', options.callTimeoutMs, 3000),
    reconnectMaxMs: positive('reconnectMaxMs', options.reconnectMaxMs, 1000),
  };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError(`${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}
