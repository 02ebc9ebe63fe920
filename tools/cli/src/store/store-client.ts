import { circuitBreaker, ConsecutiveBreaker, handleWhen, retry } from 'cockatiel';
import { Etcd3, isRecoverableError } from 'etcd3';
import { CliError, ExitCode } from '../exit-codes.js';
import { dialEndpoints } from './dial.js';
import { toCliError, unreachableAfterDial } from './store-errors.js';
import type { StoreTarget } from './store-target.js';

/**
 * An etcd3 client for one short command: each unary call gets the command's remaining time as its
 * deadline, each endpoint is tried once per call, and a failed endpoint is skipped for the rest of
 * the command (etcd3's defaults retry and wait far longer than an operator wants to).
 */
export function createClient(target: StoreTarget, endpoints: readonly string[] = target.endpoints): Etcd3 {
  const deadline = Date.now() + target.timeoutMs;
  return new Etcd3({
    hosts: [...endpoints],
    dialTimeout: target.dialTimeoutMs,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline }),
    grpcOptions: {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
    },
    faultHandling: {
      // Another endpoint is worth a try only if this one did not answer. An answer such as
      // "etcdserver: no leader" is the cluster's, and trying a dead endpoint next would hide it.
      global: retry(handleWhen(isUnanswered), { maxAttempts: Math.max(0, endpoints.length - 1) }),
      host: () =>
        circuitBreaker(handleWhen(isUnanswered), {
          halfOpenAfter: 1000,
          breaker: new ConsecutiveBreaker(1),
        }),
    },
  });
}

function isUnanswered(error: Error): boolean {
  return isRecoverableError(error) && !error.message.includes('etcdserver:');
}

/**
 * Runs `work` with a client for the endpoints that accept connections (none: a CliError naming
 * each endpoint and why), closed on every path. Unless `deadline` is false, the whole of
 * `work` must finish within the target's timeout. Errors come out as CliErrors naming cause and fix.
 */
export async function withStore<T>(
  target: StoreTarget,
  work: (client: Etcd3) => Promise<T>,
  options: { deadline?: boolean } = {},
): Promise<T> {
  const { reachable, failures } = await dialEndpoints(target);
  if (reachable.length === 0) throw unreachableAfterDial(failures);
  const client = createClient(target, reachable);
  try {
    const running = work(client);
    return await (options.deadline === false ? running : withDeadline(running, target));
  } catch (error) {
    throw toCliError(error, target);
  } finally {
    client.close();
  }
}

/** `work`, or a CliError once the target's timeout has passed. */
export async function withDeadline<T>(work: Promise<T>, target: StoreTarget): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CliError(
            `deadline exceeded: no answer from ${target.endpoints.join(', ')} within ${target.timeoutMs} ms; the store may have lost quorum: check \`flotilla store status\`, or raise --timeout`,
            ExitCode.failed,
          ),
        ),
      target.timeoutMs,
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
