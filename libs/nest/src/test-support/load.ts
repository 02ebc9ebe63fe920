import type { ServiceError } from '@grpc/grpc-js';

export interface LoadResult {
  ok: number;
  errors: ServiceError[];
}

/**
 * `concurrency` callers calling `call()` back to back until `stopped()`; failures are collected.
 * `result` fills in as calls finish, so a test can wait for progress.
 */
export async function runLoad(
  concurrency: number,
  call: (i: number) => Promise<unknown>,
  stopped: () => boolean,
  result: LoadResult = { ok: 0, errors: [] },
): Promise<LoadResult> {
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stopped()) {
        try {
          await call(n++);
          result.ok += 1;
        } catch (error) {
          result.errors.push(error as ServiceError);
        }
      }
    }),
  );
  return result;
}
