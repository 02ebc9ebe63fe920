import { OTLPMetricExporter as OtlpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  ConsoleMetricExporter,
  type IMetricReader,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { TelemetrySettings } from '../settings/telemetry-settings.js';
import { PrometheusEndpoint } from './prometheus-endpoint.js';

export interface Exporters {
  spanProcessors: SpanProcessor[];
  metricReaders: IMetricReader[];
  /** The Prometheus endpoint, when FLOTILLA_METRICS_PORT is set; not listening yet. */
  prometheus: PrometheusEndpoint | undefined;
}

/** Span processors and metric readers for the exporters the settings ask for. */
export function createExporters(settings: TelemetrySettings): Exporters {
  const spanProcessors: SpanProcessor[] = [];
  const metricReaders: IMetricReader[] = [];
  if (settings.tracesUrl) {
    const options = { url: settings.tracesUrl };
    const exporter =
      settings.tracesProtocol === 'http/json'
        ? new OtlpJsonTraceExporter(options)
        : new OtlpProtoTraceExporter(options);
    spanProcessors.push(new BatchSpanProcessor(exporter));
  }
  if (settings.metricsUrl) {
    const options = { url: settings.metricsUrl };
    const exporter =
      settings.metricsProtocol === 'http/json'
        ? new OtlpJsonMetricExporter(options)
        : new OtlpProtoMetricExporter(options);
    metricReaders.push(
      new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: settings.metricExportIntervalMs }),
    );
  }
  let prometheus: PrometheusEndpoint | undefined;
  if (settings.prometheusPort !== 0) {
    prometheus = new PrometheusEndpoint();
    metricReaders.push(prometheus.reader);
  }
  if (settings.console) {
    spanProcessors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
    metricReaders.push(
      new PeriodicExportingMetricReader({
        exporter: new ConsoleMetricExporter(),
        exportIntervalMillis: settings.metricExportIntervalMs,
      }),
    );
  }
  return { spanProcessors, metricReaders, prometheus };
}
