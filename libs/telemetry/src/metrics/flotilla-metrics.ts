import type { BatchObservableResult, Meter } from '@opentelemetry/api';
import type { BreakerState } from '@flotilla/rpc';
import { METRIC_ATTRIBUTES as A, METRIC_NAMES as N } from './metric-names.js';
import { readSources } from './metric-sources.js';

const BREAKER_VALUE: Partial<Record<BreakerState, number>> = { closed: 0, 'half-open': 1, open: 2 };
const REGISTRATION_STATES = ['registering', 'registered', 'retrying', 'stopped', 'none'] as const;

/**
 * The observable instruments over the registered sources (clients' `$stats()`, registrations,
 * the shedder, config staleness), all read in one batch callback per collection, so each client's
 * stats are taken once per scrape or export.
 */
export function registerFlotillaMetrics(meter: Meter): () => void {
  const breakerState = meter.createObservableGauge(N.breakerState, {
    description: 'Circuit breaker state per client endpoint: 0 closed, 1 half-open, 2 open.',
  });
  const picks = meter.createObservableCounter(N.endpointPicks, {
    unit: '{attempt}',
    description: 'Attempts the balancer sent to each endpoint.',
  });
  const retries = meter.createObservableCounter(N.retries, {
    unit: '{attempt}',
    description: 'Retries with backoff.',
  });
  const transparent = meter.createObservableCounter(N.transparentRetries, {
    unit: '{attempt}',
    description: 'Attempts retried at once on another endpoint (never started there, or shed).',
  });
  const hedges = meter.createObservableCounter(N.hedges, {
    unit: '{attempt}',
    description: 'Hedged attempts sent.',
  });
  const throttled = meter.createObservableCounter(N.retriesThrottled, {
    unit: '{attempt}',
    description: 'Retries and hedges the retry budget refused.',
  });
  const tokens = meter.createObservableGauge(N.budgetTokens, {
    unit: '{token}',
    description: 'Tokens left in the retry budget.',
  });
  const registration = meter.createObservableGauge(N.registrationState, {
    description: 'Registrations in the registry by state (1 for the current state).',
  });
  const shed = meter.createObservableCounter(N.shedCalls, {
    unit: '{call}',
    description: 'Calls refused by adaptive load shedding.',
  });
  const stale = meter.createObservableGauge(N.configStale, {
    description: 'Whether a configuration source serves stale values (1) or fresh ones (0).',
  });
  const instruments = [
    breakerState,
    picks,
    retries,
    transparent,
    hedges,
    throttled,
    tokens,
    registration,
    shed,
    stale,
  ];

  const callback = (observe: BatchObservableResult) => {
    const readings = readSources();
    for (const client of readings.clients) {
      const byClient = { [A.service]: client.service };
      for (const endpoint of client.endpoints) {
        const byEndpoint = { ...byClient, [A.endpoint]: endpoint.address };
        const state = BREAKER_VALUE[endpoint.breaker];
        if (state !== undefined) observe.observe(breakerState, state, byEndpoint);
        observe.observe(picks, endpoint.started, byEndpoint);
      }
      observe.observe(retries, client.retries, byClient);
      observe.observe(transparent, client.transparentRetries, byClient);
      observe.observe(hedges, client.hedges, byClient);
      observe.observe(throttled, client.retriesThrottled, byClient);
      observe.observe(tokens, client.budgetTokens, byClient);
    }
    if (readings.registrations.length > 0) {
      for (const state of REGISTRATION_STATES) {
        const count = readings.registrations.filter((s) => (s ?? 'none') === state).length;
        observe.observe(registration, count, { [A.registrationState]: state });
      }
    }
    if (readings.shed !== undefined) observe.observe(shed, readings.shed);
    for (const [name, isStale] of readings.staleness)
      observe.observe(stale, isStale ? 1 : 0, { [A.configSource]: name });
  };
  meter.addBatchObservableCallback(callback, instruments);
  return () => meter.removeBatchObservableCallback(callback, instruments);
}
