import {
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
  isBrokenCircuitError,
  retry,
} from 'cockatiel';
import {
  Etcd3,
  EtcdAuthenticationFailedError,
  EtcdPermissionDeniedError,
  GRPCCancelledError,
  isRecoverableError,
  type IOptions,
} from 'etcd3';
import { errorMessage, EtcdAuthError, EtcdUnavailableError } from '../errors.js';
import { prefixEnd } from '../watch/service-watcher.js';
import { type EtcdConnectionOptions, resolveEtcdOptions, type ResolvedEtcdOptions } from './etcd-options.js';

export interface EtcdConnection {
  readonly client: Etcd3;
  readonly options: ResolvedEtcdOptions;
  close(): void;
}

/**
 * Creates an etcd3 client tuned to fail fast and recover fast, and checks that etcd answers.
 * With `probePrefix` the check reads one key under it, so missing credentials or permissions
 * fail here (EtcdAuthError) rather than later in register/list/watch.
 *
 * The etcd3 defaults suit a long-lived app that can wait: a 30 s dial timeout, calls without
 * deadlines, a 5 s circuit breaker per host and up to 30 s between watch reconnects. Discovery
 * must instead notice a returning etcd within about a second, so every one of those is shortened.
 */
export async function connectEtcd(
  options: EtcdConnectionOptions,
  probePrefix?: string,
): Promise<EtcdConnection> {
  const resolved = resolveEtcdOptions(options);
  const client = new Etcd3(clientOptions(resolved));
  const connection: EtcdConnection = { client, options: resolved, close: () => client.close() };
  try {
    await probe(connection, probePrefix);
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
      // Skip a member that failed twice in a row, but look at it again soon. CANCELLED is not the
      // member's failure: etcd3 cancels its own watch stream when the last watcher goes, and reports
      // that as a failed host (closing its channels); counting it too would open the breaker on the
      // retry of a call that the channel reset cut off.
      host: () =>
        circuitBreaker(
          handleWhen((e) => isRecoverableError(e) && !(e instanceof GRPCCancelledError)),
          {
            halfOpenAfter: Math.min(500, o.reconnectMaxMs),
            breaker: new ConsecutiveBreaker(2),
          },
        ),
      // etcd3 types this as IBackoff but calls it as a factory, which is what ExponentialBackoff is.
      watchBackoff: new ExponentialBackoff({
        initialDelay: 50,
        maxDelay: o.reconnectMaxMs,
      }) as unknown as IBackoff<unknown>,
    },
  };
}

/** Cheap calls until one succeeds or connectTimeoutMs passes; the error names every endpoint tried. */
async function probe(connection: EtcdConnection, probePrefix: string | undefined): Promise<void> {
  const { endpoints, connectTimeoutMs, callTimeoutMs } = connection.options;
  const { client } = connection;
  const check = (deadline: number): Promise<unknown> => {
    if (probePrefix === undefined) return client.maintenance.status({ deadline });
    const key = Buffer.from(probePrefix);
    return client.kv.range({ key, range_end: prefixEnd(key), limit: 1, keys_only: true }, { deadline });
  };
  const deadline = Date.now() + connectTimeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const remaining = deadline - Date.now();
    try {
      await withTimeout(check(Date.now() + Math.min(remaining, callTimeoutMs)), remaining);
      return;
    } catch (error) {
      // An open circuit breaker only says that earlier calls failed; keep their real error for the message.
      const breakerOpen = isBrokenCircuitError(error);
      if (!breakerOpen || lastError === undefined) lastError = error;
      // Auth failures will not heal by waiting. An open breaker half-opens again within reconnectMaxMs.
      if (!isRecoverableError(error as Error) && !(error instanceof ProbeTimeout) && !breakerOpen) break;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(0, deadline - Date.now()))));
  }
  const refusal = authProblem(lastError, connection.options, probePrefix);
  if (refusal !== undefined) throw new EtcdAuthError(refusal, endpoints, { cause: lastError });
  throw new EtcdUnavailableError(
    `etcd is unreachable: tried ${endpoints.join(', ')} for up to ${connectTimeoutMs} ms; last error: ${errorMessage(lastError ?? new Error('none'))}`,
    endpoints,
    { cause: lastError },
  );
}

/** Says what is wrong when etcd refused the credentials or the read, else undefined. */
function authProblem(
  error: unknown,
  options: ResolvedEtcdOptions,
  probePrefix: string | undefined,
): string | undefined {
  const at = `etcd at ${options.endpoints.join(', ')}`;
  const user = options.auth ? `user "${options.auth.username}"` : 'this client';
  const detail = errorMessage(error);
  if (error instanceof EtcdAuthenticationFailedError)
    return `${at} rejected the username or password of ${user}: ${detail}`;
  // etcd3 has no class for this one; etcd says "etcdserver: user name is empty".
  if (error instanceof Error && error.message.includes('user name is empty'))
    return `${at} has authentication enabled, but no credentials were given (set auth: { username, password }): ${detail}`;
  if (error instanceof EtcdPermissionDeniedError)
    return `${at}: ${user} may not read "${probePrefix ?? ''}" (grant a role with readwrite on that prefix): ${detail}`;
  return undefined;
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
