import type { Etcd3 } from 'etcd3';
import { Latencies } from './latency.js';

export interface StepResult {
  readonly concurrency: number;
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

export type KvOp = 'put' | 'range';

/**
 * `concurrency` callers each issue one operation after the other (Put of `value`, or linearizable
 * Range) on random keys of `keys`, for `warmupMs` and then `ms`; only operations that both start and
 * end inside the measured window count.
 */
export async function kvStep(
  client: Etcd3,
  op: KvOp,
  concurrency: number,
  o: { readonly ms: number; readonly warmupMs: number; readonly keys: number; readonly value: Buffer },
): Promise<StepResult> {
  const start = performance.now();
  const from = start + o.warmupMs;
  const to = from + o.ms;
  const latencies = new Latencies();
  let errors = 0;
  let n = 0;
  const caller = async (): Promise<void> => {
    while (performance.now() < to) {
      const key = `bench/${(n++ * 7919) % o.keys}`;
      const t0 = performance.now();
      try {
        if (op === 'put') await client.put(key).value(o.value).exec();
        else await client.get(key).exec();
      } catch {
        if (t0 >= from) errors++;
        continue;
      }
      const t1 = performance.now();
      if (t0 >= from && t1 <= to) latencies.add(t1 - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return {
    concurrency,
    opsPerSec: latencies.count / (o.ms / 1000),
    p50Ms: latencies.percentile(50),
    p99Ms: latencies.percentile(99),
    errors,
  };
}

/** Writes every key once, so that Range steps read real values. */
export async function fillKeys(client: Etcd3, keys: number, value: Buffer, concurrency = 64): Promise<void> {
  let next = 0;
  const caller = async (): Promise<void> => {
    for (let k = next++; k < keys; k = next++) await client.put(`bench/${k}`).value(value).exec();
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
}
