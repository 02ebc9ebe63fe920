import type { ServiceError } from '@grpc/grpc-js';

export interface LoadResult {
  ok: number;
  errors: ServiceError[];
  latenciesMs: number[];
}

/**
 * `concurrency` callers each calling `call()` back to back until `until()` says stop (checked
 * before each call). Collects failures instead of throwing, so a test can assert on them.
 */
export async function runLoad(
  concurrency: number,
  call: (i: number) => Promise<unknown>,
  until: () => boolean,
): Promise<LoadResult> {
  const result: LoadResult = { ok: 0, errors: [], latenciesMs: [] };
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until()) {
        const started = performance.now();
        try {
          await call(n++);
          result.ok += 1;
        } catch (error) {
          result.errors.push(error as ServiceError);
        }
        result.latenciesMs.push(performance.now() - started);
      }
    }),
  );
  return result;
}

/** Stops after `ms` from now. */
export function forMs(ms: number): () => boolean {
  const end = performance.now() + ms;
  return () => performance.now() >= end;
}

/** Stops after `count` calls have been started. */
export function forCalls(count: number): () => boolean {
  let started = 0;
  return () => started++ >= count;
}
