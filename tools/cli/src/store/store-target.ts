import { CliError, ExitCode } from '../exit-codes.js';

/** Which store to talk to and how long to wait, from the global options and the environment. */
export interface StoreTarget {
  /** Client URLs, e.g. `http://127.0.0.1:2379`. */
  endpoints: string[];
  /** How long a connection attempt to one endpoint may take. */
  dialTimeoutMs: number;
  /** Deadline of the whole command (for watches: of setting the watch up). */
  timeoutMs: number;
}

export const DEFAULT_ENDPOINTS = '127.0.0.1:2379';
export const ENDPOINTS_ENV = 'ETCD_ENDPOINTS';

export interface TargetOptions {
  endpoints?: string;
  dialTimeout?: number;
  timeout?: number;
}

export function resolveTarget(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): StoreTarget {
  const fromEnv = env[ENDPOINTS_ENV]?.trim();
  const raw = options.endpoints ?? (fromEnv ? fromEnv : DEFAULT_ENDPOINTS);
  return {
    endpoints: parseEndpoints(raw),
    dialTimeoutMs: options.dialTimeout ?? 2000,
    timeoutMs: options.timeout ?? 10_000,
  };
}

/** Comma-separated `host:port` or `http://host:port`; a bare host:port means http, as etcdctl reads it. */
export function parseEndpoints(raw: string): string[] {
  const endpoints = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((e) => (e.includes('://') ? e : `http://${e}`));
  if (endpoints.length === 0) {
    throw new CliError(
      `no store endpoints given: pass --endpoints 127.0.0.1:2379 or set ${ENDPOINTS_ENV}`,
      ExitCode.usage,
    );
  }
  for (const endpoint of endpoints) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.port === '') {
      throw new CliError(
        `bad endpoint "${endpoint}": expected host:port or http(s)://host:port, e.g. 127.0.0.1:2379`,
        ExitCode.usage,
      );
    }
  }
  return endpoints;
}
