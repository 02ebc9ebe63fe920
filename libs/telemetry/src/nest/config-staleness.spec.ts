import { type INestMicroservice, Module } from '@nestjs/common';
import type { GaugeMetricData } from '@opentelemetry/sdk-metrics';
import { createMicroservice, FlotillaModule } from '@flotilla/nest';
import { type EtcdCluster, startEtcdCluster, waitFor } from '@flotilla/testing';
import { z } from 'zod';
import { registerFlotillaMetrics } from '../metrics/flotilla-metrics.js';
import { METRIC_NAMES } from '../metrics/metric-names.js';
import { inMemoryOtel, type InMemoryOtel } from '../test-support/in-memory-otel.js';
import { FlotillaTelemetryModule } from './flotilla-telemetry.module.js';

@Module({
  imports: [
    FlotillaModule.forRoot({
      service: 'staleness-check',
      settings: { host: '127.0.0.1', port: 0, logLevel: 'silent', drainMs: 0 },
      config: { schema: z.object({ greeting: z.string().default('Hello') }) },
    }),
    FlotillaTelemetryModule,
  ],
})
class ConfiguredService {}

/**
 * A service with live config (`forRoot({ config })`) and the telemetry module, on a real
 * 1-member flotilla-store: the config staleness gauge follows the store going away and back.
 */
describe('flotilla.config.stale end to end (flotilla-store)', () => {
  let otel: InMemoryOtel;
  let unregisterMetrics: () => void;
  let cluster: EtcdCluster;
  let app: INestMicroservice | undefined;

  beforeAll(async () => {
    otel = inMemoryOtel();
    unregisterMetrics = registerFlotillaMetrics(otel.meterProvider.getMeter('test'));
    cluster = await startEtcdCluster({ binary: 'flotilla-store', size: 1 });
  });
  afterAll(async () => {
    await app?.close();
    unregisterMetrics?.();
    await otel?.shutdown();
    await cluster?.stop();
  });

  /** The gauge's points, as `{ source: value }`. */
  async function stale(): Promise<Record<string, number>> {
    const collected = await otel.collect();
    const metric = collected
      .flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
      .find((m) => m.descriptor.name === METRIC_NAMES.configStale) as GaugeMetricData | undefined;
    return Object.fromEntries(
      (metric?.dataPoints ?? []).map((p) => [String(p.attributes['flotilla.config.source']), p.value]),
    );
  }
  const until = (value: number, what: string) =>
    waitFor(async () => (await stale())['config'] === value, { timeoutMs: 20_000, intervalMs: 100, what });

  it('is 0 while the store answers, 1 while it is down, and 0 again once it is back', async () => {
    app = await createMicroservice(ConfiguredService, {
      env: { FLOTILLA_REGISTRY: cluster.endpoints.join(',') },
    });
    await app.listen();
    // The config was read from the store before the module finished starting.
    expect(await stale()).toEqual({ config: 0 });

    await cluster.kill(0);
    await until(1, 'the config to turn stale with its store down');
    expect(await stale()).toEqual({ config: 1 });

    await cluster.restart(0);
    await until(0, 'the config to be fresh again once the store is back');
  }, 90_000);
});
