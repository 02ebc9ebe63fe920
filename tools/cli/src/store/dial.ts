import { connect } from 'node:net';
import type { StoreTarget } from './store-target.js';

export interface DialFailure {
  endpoint: string;
  reason: string;
}

export interface DialResult {
  /** Endpoints that accepted a connection, in the order given. */
  reachable: string[];
  /** Why each of the others did not. */
  failures: DialFailure[];
}

/**
 * Opens (and closes) a TCP connection to every endpoint at once, each bounded by the dial timeout.
 * The etcd3 client has no connect timeout of its own: a call to an endpoint that drops packets would
 * wait for the whole command deadline instead of moving on to a live member.
 */
export async function dialEndpoints(target: StoreTarget): Promise<DialResult> {
  const reasons = await Promise.all(target.endpoints.map((e) => dial(e, target.dialTimeoutMs)));
  const result: DialResult = { reachable: [], failures: [] };
  target.endpoints.forEach((endpoint, i) => {
    const reason = reasons[i];
    if (reason === undefined) result.reachable.push(endpoint);
    else result.failures.push({ endpoint, reason });
  });
  return result;
}

/** Resolves with undefined once connected, or with why not. */
function dial(endpoint: string, timeoutMs: number): Promise<string | undefined> {
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (reason: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => finish(`no connection within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => finish(undefined));
    socket.once('error', (error) => finish(error.message));
  });
}
