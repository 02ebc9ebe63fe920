import { type Metadata, status } from '@grpc/grpc-js';
import type { HedgingConfig, ResolvedRetryConfig } from '../config/rpc-config.js';
import { runHedged } from '../retry/hedging.js';
import type { RetryBudget } from '../retry/retry-budget.js';
import { classifyFailure, type RetryBackoff, retryBackoff } from '../retry/retry-policy.js';
import { rpcError } from './rpc-error.js';
import { type AttemptResult, startUnaryAttempt, type UnaryTarget } from './unary-attempt.js';

export interface UnaryPlan {
  idempotent: boolean;
  hedging: Required<HedgingConfig> | undefined;
  retry: ResolvedRetryConfig;
  budget: RetryBudget;
  counters: { retries: number; transparentRetries: number; hedges: number };
}

/** At most this many transparent retries per call (each goes to an endpoint not yet tried). */
const MAX_TRANSPARENT_RETRIES = 3;

/**
 * A unary call: attempts, transparent retries, retries with backoff or hedging, all within
 * `deadline`. `metadata` must be this call's own copy: attempts tag it.
 */
export async function runUnary<Q, R>(
  target: UnaryTarget<Q, R>,
  plan: UnaryPlan,
  request: Q,
  metadata: Metadata,
  deadline: number,
  signal: AbortSignal | undefined,
  onEnd?: (error: unknown, endpoint: string | undefined) => void,
): Promise<R> {
  if (!onEnd) return attemptUntilDone(target, plan, request, metadata, deadline, signal);
  // The interceptors' end hook runs here rather than in a .then() around the call: one promise less.
  const last: LastEndpoint = { endpoint: undefined };
  try {
    const reply = await attemptUntilDone(target, plan, request, metadata, deadline, signal, last);
    onEnd(undefined, last.endpoint);
    return reply;
  } catch (error) {
    onEnd(error, last.endpoint);
    throw error;
  }
}

/** Where the call's last attempt went, for the interceptors (server.address of a client span). */
interface LastEndpoint {
  endpoint: string | undefined;
}

async function attemptUntilDone<Q, R>(
  target: UnaryTarget<Q, R>,
  plan: UnaryPlan,
  request: Q,
  metadata: Metadata,
  deadline: number,
  signal: AbortSignal | undefined,
  last?: LastEndpoint,
): Promise<R> {
  if (signal?.aborted)
    throw rpcError(status.CANCELLED, 'cancelled by the caller (AbortSignal) before it was sent');
  if (deadline <= Date.now()) {
    throw rpcError(
      status.DEADLINE_EXCEEDED,
      'deadline already passed before the call was sent (propagated from the inbound call?)',
    );
  }
  let avoid: Set<string> | undefined; // allocated only once an attempt has failed
  let backoff: RetryBackoff | undefined; // likewise
  let attempts = 0;
  let transparentLeft = MAX_TRANSPARENT_RETRIES;
  for (;;) {
    attempts += 1;
    let result: AttemptResult<R>;
    if (plan.hedging) {
      result = await runHedged(
        (a) => startUnaryAttempt(target, request, metadata, deadline, a, true),
        {
          hedging: plan.hedging,
          retry: plan.retry,
          budget: plan.budget,
          onHedge: () => (plan.counters.hedges += 1),
        },
        signal,
      );
    } else {
      result = await single(startUnaryAttempt(target, request, metadata, deadline, avoid), signal);
    }
    if (last && result.endpoint) last.endpoint = result.endpoint;
    if (result.ok) return result.value;
    if (result.endpoint) (avoid ??= new Set()).add(result.endpoint);
    if (signal?.aborted || plan.hedging) throw result.error;
    const verdict = classifyFailure(result.outcome, plan.idempotent, plan.retry);
    if (verdict === 'transparent' && transparentLeft > 0) {
      transparentLeft -= 1;
      attempts -= 1;
      plan.counters.transparentRetries += 1;
      continue;
    }
    if (verdict !== 'retry' || attempts >= plan.retry.maxAttempts || !plan.budget.allowRetry())
      throw result.error;
    const delay = (backoff ??= retryBackoff(plan.retry)).next();
    if (Date.now() + delay >= deadline) throw result.error;
    await sleep(delay, signal);
    if (signal?.aborted) throw result.error;
    plan.counters.retries += 1;
  }
}

function single<R>(
  handle: { result: Promise<AttemptResult<R>>; cancel(): void },
  signal: AbortSignal | undefined,
): Promise<AttemptResult<R>> {
  if (!signal) return handle.result;
  const onAbort = () => handle.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  return handle.result.finally(() => signal.removeEventListener('abort', onAbort));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
