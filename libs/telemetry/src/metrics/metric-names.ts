/**
 * Every metric this package records, in one place (the README lists them with their labels).
 * The call-duration histograms follow the OpenTelemetry RPC (and HTTP) semantic conventions; the rest are
 * Flotilla's own, under `flotilla.`. Prometheus names replace dots with underscores and add the
 * unit (`_seconds`) or `_total` for counters.
 */
export const METRIC_NAMES = {
  /** Histogram, s: served calls, from arrival to status. */
  serverCallDuration: 'rpc.server.call.duration',
  /** Histogram, s: calls made with Flotilla clients, retries and hedges included. */
  clientCallDuration: 'rpc.client.call.duration',
  /** Histogram, s: HTTP requests served with `httpServerTracing` (stable HTTP semantic conventions). */
  httpServerDuration: 'http.server.request.duration',
  /** Gauge per client endpoint: 0 closed, 1 half-open, 2 open (endpoints without a breaker are left out). */
  breakerState: 'flotilla.rpc.client.breaker.state',
  /** Counter per client endpoint: attempts the balancer sent there. */
  endpointPicks: 'flotilla.rpc.client.endpoint.picks',
  /** Counter per client: retries with backoff. */
  retries: 'flotilla.rpc.client.retries',
  /** Counter per client: attempts retried at once on another endpoint (never started, or shed). */
  transparentRetries: 'flotilla.rpc.client.transparent_retries',
  /** Counter per client: hedged attempts sent. */
  hedges: 'flotilla.rpc.client.hedges',
  /** Counter per client: retries and hedges the retry budget refused. */
  retriesThrottled: 'flotilla.rpc.client.retries_throttled',
  /** Gauge per client: tokens left in the retry budget. */
  budgetTokens: 'flotilla.rpc.client.retry_budget.tokens',
  /** Gauge per state: 1 for the registration's current state, 0 for the others. */
  registrationState: 'flotilla.registration.state',
  /** Counter: calls the adaptive shedder refused. */
  shedCalls: 'flotilla.server.shed_calls',
  /** Gauge per config source: 1 while it serves stale values, 0 when fresh. */
  configStale: 'flotilla.config.stale',
} as const;

/** Labels (attributes) of the metrics above, beyond the semantic-convention ones. */
export const METRIC_ATTRIBUTES = {
  /** The called service's registered name (`greeter`). */
  service: 'flotilla.service',
  /** An endpoint of that service, `host:port`. */
  endpoint: 'flotilla.endpoint',
  /** A registration state: `registering`, `registered`, `retrying`, `stopped`, `none`. */
  registrationState: 'flotilla.registration.state',
  /** The name a staleness source was registered under. */
  configSource: 'flotilla.config.source',
} as const;

/**
 * Bucket boundaries of the call-duration histograms, in seconds: the semantic conventions'
 * boundaries with finer ones below 5 ms added, since calls between services on one host or rack
 * take well under a millisecond.
 */
export const CALL_DURATION_BUCKETS_S: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5,
  7.5, 10,
];
