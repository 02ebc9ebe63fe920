import type { HedgingConfig, ResolvedRetryConfig } from '../config/rpc-config.js';
import type { AttemptHandle, AttemptResult } from '../client/unary-attempt.js';
import type { RetryBudget } from './retry-budget.js';
import { classifyFailure } from './retry-policy.js';

export interface HedgingPlan {
  hedging: Required<HedgingConfig>;
  retry: ResolvedRetryConfig;
  budget: RetryBudget;
  onHedge: () => void;
}

/**
 * Hedged unary call (idempotent methods only): the first attempt goes out; if it has not answered
 * after `delayMs`, another goes to a different endpoint, up to `maxAttempts` in all. A retryable
 * failure sends the next hedge at once. The first success wins and the others are cancelled; a
 * non-retryable failure ends the call. Every hedge needs a token from the retry budget.
 */
export function runHedged<R>(
  start: (avoid: ReadonlySet<string>) => AttemptHandle<R>,
  plan: HedgingPlan,
  signal: AbortSignal | undefined,
): Promise<AttemptResult<R>> {
  return new Promise((resolve) => {
    const live = new Set<AttemptHandle<R>>();
    const failedAt = new Set<string>();
    let launched = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    let last: AttemptResult<R> | undefined;

    const finish = (result: AttemptResult<R>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      for (const handle of live) handle.cancel();
      resolve(result);
    };
    const onAbort = () => {
      for (const handle of live) handle.cancel();
    };
    const hedge = () => {
      if (done || launched >= plan.hedging.maxAttempts || !plan.budget.allowRetry()) return false;
      plan.onHedge();
      launch();
      return true;
    };
    const launch = () => {
      launched += 1;
      const avoid = new Set(failedAt);
      for (const handle of live) {
        const endpoint = handle.endpoint();
        if (endpoint) avoid.add(endpoint);
      }
      const handle = start(avoid);
      live.add(handle);
      void handle.result.then((result) => {
        live.delete(handle);
        if (done) return;
        if (result.ok) return finish(result);
        last = result;
        if (result.endpoint) failedAt.add(result.endpoint);
        const verdict = classifyFailure(result.outcome, true, plan.retry);
        if (verdict === 'final' || signal?.aborted) return finish(result);
        if (!hedge() && live.size === 0) finish(last);
      });
      clearTimeout(timer);
      if (launched < plan.hedging.maxAttempts) timer = setTimeout(hedge, plan.hedging.delayMs);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    launch();
  });
}
