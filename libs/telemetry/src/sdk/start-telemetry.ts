import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { registerFlotillaMetrics } from '../metrics/flotilla-metrics.js';
import { INSTRUMENTATION_SCOPE } from '../tracing/rpc-instruments.js';
import { resolveTelemetrySettings, type TelemetrySettings } from '../settings/telemetry-settings.js';
import { createExporters } from './exporters.js';

export interface StartTelemetryOptions {
  /** `service.name`; OTEL_SERVICE_NAME overrides it. */
  serviceName: string;
  /** `service.version`. */
  serviceVersion?: string;
  /** Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface Telemetry {
  readonly settings: TelemetrySettings;
  /** `http://host:port/metrics` of the Prometheus endpoint, when there is one. */
  readonly prometheusUrl: string | undefined;
  /** Exports what is buffered (spans, metrics) now. */
  flush(): Promise<void>;
  /** Flushes, stops the exporters and the Prometheus endpoint. Idempotent. */
  shutdown(): Promise<void>;
}

let active: Telemetry | undefined;

/** The telemetry `startTelemetry` started in this process, until it is shut down. */
export function activeTelemetry(): Telemetry | undefined {
  return active;
}

/**
 * Starts OpenTelemetry's NodeSDK for this process: W3C trace-context propagation, a tracer
 * provider, a meter provider with the Flotilla metrics, and the exporters the environment asks
 * for (OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, Prometheus on FLOTILLA_METRICS_PORT,
 * stdout with FLOTILLA_TELEMETRY_CONSOLE=1). Call it first in main.ts, before the application is
 * created. Bad settings throw a TelemetrySettingsError naming the variable.
 */
export async function startTelemetry(options: StartTelemetryOptions): Promise<Telemetry> {
  if (active) throw new Error('startTelemetry: telemetry is already started in this process');
  const settings = resolveTelemetrySettings(options.serviceName, options.env ?? process.env);
  if (settings.disabled) {
    const none: Telemetry = {
      settings,
      prometheusUrl: undefined,
      flush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    return none;
  }
  const exporters = createExporters(settings);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': settings.serviceName,
      ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
    }),
    // Without an exporter spans are still made (and dropped), so that logs carry trace ids.
    spanProcessors:
      exporters.spanProcessors.length > 0 ? exporters.spanProcessors : [new NoopSpanProcessor()],
    metricReaders: exporters.metricReaders,
    // Logs go through pino (with trace ids); no OpenTelemetry log exporter.
    logRecordProcessors: [],
    instrumentations: [],
  });
  if (exporters.prometheus) {
    try {
      // Before the SDK starts, so that a port in use fails start-up rather than logging.
      await exporters.prometheus.listen(settings.prometheusHost, settings.prometheusPort);
    } catch (error) {
      throw new Error(
        `cannot serve Prometheus metrics on ${settings.prometheusHost}:${settings.prometheusPort} (FLOTILLA_METRICS_PORT): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  sdk.start();
  const unregisterMetrics =
    exporters.metricReaders.length > 0
      ? registerFlotillaMetrics(metrics.getMeter(INSTRUMENTATION_SCOPE))
      : () => undefined;

  let stopping: Promise<void> | undefined;
  const telemetry: Telemetry = {
    settings,
    prometheusUrl: exporters.prometheus
      ? `http://${settings.prometheusHost}:${settings.prometheusPort}/metrics`
      : undefined,
    async flush() {
      await Promise.all([
        ...exporters.spanProcessors.map((p) => p.forceFlush()),
        ...exporters.metricReaders.map((r) => r.forceFlush()),
      ]);
    },
    shutdown() {
      stopping ??= (async () => {
        unregisterMetrics();
        await exporters.prometheus?.close();
        await sdk.shutdown();
        // NodeSDK leaves its providers registered; release them so that a later start takes over.
        trace.disable();
        metrics.disable();
        propagation.disable();
        context.disable();
        if (active === telemetry) active = undefined;
      })();
      return stopping;
    },
  };
  active = telemetry;
  return telemetry;
}
