/**
 * The line protocol between `cluster-vs-etcd.ts` (the driver) and `cluster-load-client.ts` (the
 * load generator, a separate process): one JSON object per line, commands on the client's stdin,
 * events on its stdout. Times are `process.hrtime` (CLOCK_MONOTONIC) in milliseconds, the clock V8's
 * CPU profiles use too, so a window reported here can cut a profile taken in another process.
 */

export type LoadSystem = 'flotilla' | 'etcd';

/** Driver -> client. */
export type LoadCommand =
  | { readonly cmd: 'step'; readonly concurrency: number; readonly warmupMs: number; readonly ms: number }
  | { readonly cmd: 'exit' };

/** One measured step, as the client saw it. */
export interface StepResult {
  readonly concurrency: number;
  /** Operations that completed inside the measured window. */
  readonly ops: number;
  /** Failed operations inside the window (not in `ops`, not in the latencies). */
  readonly errors: number;
  /** Failed operations by kind (the server's error name, or the gRPC code), for the report. */
  readonly errorKinds: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly opsPerSec: number;
  /** Latency percentiles of the completed operations, ms. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Measured window, monotonic ms. */
  readonly windowStart: number;
  readonly windowEnd: number;
  /** The endpoint the load went to, and whether it changed during the step. */
  readonly target: string;
  readonly targetChanged: boolean;
  /** Client-process CPU (user + system) during the window, % of one core. */
  readonly clientCpuPercent: number;
}

/** Client -> driver. */
export type LoadEvent =
  | { readonly event: 'ready'; readonly system: LoadSystem; readonly target: string }
  | {
      readonly event: 'measuring';
      readonly concurrency: number;
      readonly at: number;
      readonly target: string;
    }
  | ({ readonly event: 'result' } & StepResult)
  | { readonly event: 'error'; readonly message: string };

/** Monotonic clock in ms (same clock in every process on the machine). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
