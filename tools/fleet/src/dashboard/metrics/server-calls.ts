import { type Bucket, addBuckets } from './bucket-quantile.js';
import { type PrometheusSample, parsePrometheusValue } from './prometheus-text.js';

/** @flotilla/telemetry's served-call histogram (`rpc.server.call.duration`, seconds) as Prometheus names it. */
export const SERVER_CALL_DURATION = 'rpc_server_call_duration_seconds';
const STATUS_LABEL = 'rpc_response_status_code';
const METHOD_LABEL = 'rpc_method';

/** One instance's served calls, cumulative since it started: all of them, the non-OK ones, and their durations (seconds). */
export interface ServerCalls {
  calls: number;
  errors: number;
  buckets: Bucket[];
}

/**
 * Sums the served-call histogram of one scrape over methods and statuses. gRPC's own services
 * (`grpc.health.v1`, reflection) are left out: the dashboard and the fleet call health every
 * second, which would drown a quiet service's real traffic.
 */
export function serverCalls(samples: readonly PrometheusSample[]): ServerCalls {
  let calls = 0;
  let errors = 0;
  const buckets: Bucket[] = [];
  for (const s of samples) {
    if (s.labels[METHOD_LABEL]?.startsWith('grpc.')) continue;
    if (s.name === `${SERVER_CALL_DURATION}_count`) {
      calls += s.value;
      if (s.labels[STATUS_LABEL] !== 'OK') errors += s.value;
    } else if (s.name === `${SERVER_CALL_DURATION}_bucket`) {
      const le = parsePrometheusValue(s.labels['le'] ?? '');
      if (le === undefined) throw new Error(`${s.name} has no valid le label: ${JSON.stringify(s.labels)}`);
      buckets.push({ le, count: s.value });
    }
  }
  return { calls, errors, buckets: addBuckets([buckets]) };
}

/**
 * What happened between two scrapes of one process (cumulative counters: current minus previous).
 * Without a previous scrape, or when a counter went down (the process started over), everything
 * counted now is new.
 */
export function callsSince(current: ServerCalls, previous: ServerCalls | undefined): ServerCalls {
  if (!previous || current.calls < previous.calls) return current;
  const before = new Map(previous.buckets.map((b) => [b.le, b.count]));
  return {
    calls: current.calls - previous.calls,
    errors: Math.max(0, current.errors - previous.errors),
    buckets: current.buckets.map((b) => ({
      le: b.le,
      count: Math.max(0, b.count - (before.get(b.le) ?? 0)),
    })),
  };
}
