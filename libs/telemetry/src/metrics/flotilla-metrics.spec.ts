import type { GaugeMetricData, SumMetricData } from '@opentelemetry/sdk-metrics';
import type { ClientStats } from '@flotilla/rpc';
import { inMemoryOtel, type InMemoryOtel } from '../test-support/in-memory-otel.js';
import { registerFlotillaMetrics } from './flotilla-metrics.js';
import { METRIC_NAMES } from './metric-names.js';
import {
  registerClient,
  registerRegistrationState,
  registerShedCounter,
  registerStalenessSource,
} from './metric-sources.js';

let otel: InMemoryOtel;
let unregisterMetrics: () => void;

beforeAll(() => {
  otel = inMemoryOtel();
  unregisterMetrics = registerFlotillaMetrics(otel.meterProvider.getMeter('test'));
});
afterAll(async () => {
  unregisterMetrics();
  await otel.shutdown();
});

function endpoint(address: string, breaker: ClientStats['endpoints'][number]['breaker'], started: number) {
  return {
    address,
    breaker,
    probes: 0,
    ewmaMs: 1,
    inflight: 0,
    started,
    succeeded: started,
    failed: 0,
    weight: 1,
    connectivity: 'READY',
  };
}

async function points(name: string) {
  const collected = await otel.collect();
  const metric = collected
    .flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
    .find((m) => m.descriptor.name === name) as GaugeMetricData | SumMetricData | undefined;
  return (metric?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, value: p.value }));
}

describe('Flotilla metrics', () => {
  it('reads each registered client, registration, shedder and staleness source at collection', async () => {
    const stats: ClientStats = {
      service: 'greeter',
      policy: 'p2c_ewma',
      endpoints: [
        endpoint('127.0.0.1:4101', 'closed', 7),
        endpoint('127.0.0.1:4102', 'open', 3),
        endpoint('127.0.0.1:4103', 'disabled', 1),
      ],
      retries: 2,
      transparentRetries: 1,
      hedges: 4,
      retriesThrottled: 5,
      budgetTokens: 97.5,
    };
    let state: 'registered' | 'retrying' = 'registered';
    let stale = false;
    const off = [
      registerClient({ $stats: () => stats }),
      registerRegistrationState(() => state),
      registerShedCounter(() => 11),
      registerStalenessSource('etcd-config', () => stale),
    ];
    try {
      expect(await points(METRIC_NAMES.breakerState)).toEqual([
        { attributes: { 'flotilla.service': 'greeter', 'flotilla.endpoint': '127.0.0.1:4101' }, value: 0 },
        { attributes: { 'flotilla.service': 'greeter', 'flotilla.endpoint': '127.0.0.1:4102' }, value: 2 },
      ]);
      expect(await points(METRIC_NAMES.endpointPicks)).toHaveLength(3);
      expect(await points(METRIC_NAMES.hedges)).toEqual([
        { attributes: { 'flotilla.service': 'greeter' }, value: 4 },
      ]);
      expect(await points(METRIC_NAMES.budgetTokens)).toEqual([
        { attributes: { 'flotilla.service': 'greeter' }, value: 97.5 },
      ]);
      expect(await points(METRIC_NAMES.shedCalls)).toEqual([{ attributes: {}, value: 11 }]);
      const registered = await points(METRIC_NAMES.registrationState);
      expect(registered.filter((p) => p.value === 1)).toEqual([
        { attributes: { 'flotilla.registration.state': 'registered' }, value: 1 },
      ]);
      expect(await points(METRIC_NAMES.configStale)).toEqual([
        { attributes: { 'flotilla.config.source': 'etcd-config' }, value: 0 },
      ]);

      state = 'retrying';
      stale = true;
      stats.endpoints[1] = endpoint('127.0.0.1:4102', 'half-open', 4);
      expect((await points(METRIC_NAMES.registrationState)).filter((p) => p.value === 1)).toEqual([
        { attributes: { 'flotilla.registration.state': 'retrying' }, value: 1 },
      ]);
      expect(await points(METRIC_NAMES.configStale)).toEqual([
        { attributes: { 'flotilla.config.source': 'etcd-config' }, value: 1 },
      ]);
      expect((await points(METRIC_NAMES.breakerState))[1]?.value).toBe(1);
    } finally {
      for (const unregister of off) unregister();
    }
  });

  it('refuses two staleness sources with one name', () => {
    const off = registerStalenessSource('config', () => false);
    try {
      expect(() => registerStalenessSource('config', () => true)).toThrow(
        'registerStalenessSource: "config" is already registered',
      );
    } finally {
      off();
    }
  });
});
