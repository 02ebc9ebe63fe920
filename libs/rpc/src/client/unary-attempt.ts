import { type Client, type Metadata, type ServiceError, status } from '@grpc/grpc-js';
import {
  ATTEMPT_METADATA_KEY,
  type BalancerContext,
  FAIL_FAST_METADATA_KEY,
} from '../balancer/balancer-context.js';
import type { AttemptOutcome } from '../retry/retry-policy.js';
import { wasShed } from '../retry/load-shed-signal.js';
import type { RetryBudget } from '../retry/retry-budget.js';

export type AttemptResult<R> =
  | { ok: true; value: R; endpoint: string | undefined }
  | { ok: false; error: ServiceError; outcome: AttemptOutcome; endpoint: string | undefined };

export interface AttemptHandle<R> {
  result: Promise<AttemptResult<R>>;
  /** Where the picker sent it (undefined until picked). */
  endpoint(): string | undefined;
  cancel(): void;
}

export interface UnaryTarget<Q, R> {
  client: Client;
  context: BalancerContext;
  budget: RetryBudget;
  retryableCodes: readonly status[];
  path: string;
  serialize: (value: Q) => Buffer;
  deserialize: (value: Buffer) => R;
}

/** Sends one attempt of a unary call, tagged so that the picker can steer it and report where it went. */
export function startUnaryAttempt<Q, R>(
  target: UnaryTarget<Q, R>,
  request: Q,
  metadata: Metadata,
  deadline: number,
  avoid: ReadonlySet<string> | undefined,
  concurrent = false,
): AttemptHandle<R> {
  const { context, budget } = target;
  const info = context.beginAttempt(avoid, false);
  const id = info.id;
  // The caller's metadata is already a per-call copy (see runUnary); hedges need one each.
  const tagged = concurrent ? metadata.clone() : metadata;
  tagged.set(ATTEMPT_METADATA_KEY, id);
  let cancel: () => void = () => undefined;
  const result = new Promise<AttemptResult<R>>((resolve) => {
    const call = target.client.makeUnaryRequest<Q, R>(
      target.path,
      target.serialize,
      target.deserialize,
      request,
      tagged,
      { deadline },
      (error, value) => {
        context.endAttempt(id);
        if (!error) {
          budget.recordSuccess();
          resolve({ ok: true, value: value as R, endpoint: info.endpoint });
          return;
        }
        // A shed call is retried elsewhere at no cost to the budget: no handler ran.
        const shed = wasShed(error);
        if (!shed && target.retryableCodes.includes(error.code)) budget.recordFailure();
        resolve({
          ok: false,
          error,
          outcome: {
            code: error.code,
            neverStarted: !info.started,
            failFast:
              error.code === status.UNAVAILABLE &&
              (error.metadata?.get(FAIL_FAST_METADATA_KEY).length ?? 0) > 0,
            shed,
          },
          endpoint: info.endpoint,
        });
      },
    );
    cancel = () => call.cancel();
  });
  return { result, endpoint: () => info.endpoint, cancel };
}
