import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { diag } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** UCUM units to the suffixes Prometheus names carry (OpenTelemetry's Prometheus compatibility rules). */
const UNIT_SUFFIX: Readonly<Record<string, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  By: 'bytes',
};

/**
 * A Prometheus scrape endpoint (`GET /metrics`). The exporter package's reader collects; this
 * serves it, naming metrics with their unit as Prometheus expects (`rpc.server.call.duration`
 * in `s` becomes `rpc_server_call_duration_seconds`), which the package's own server does not.
 */
export class PrometheusEndpoint {
  /** The metric reader to give the SDK. */
  readonly reader = new PrometheusExporter({ preventServerStart: true });
  private readonly serializer = new PrometheusSerializer();
  private server: Server | undefined;

  /** Listens on `host:port`; rejects (port in use, say) instead of logging. */
  async listen(host: string, port: number): Promise<{ host: string; port: number }> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      this.reader.collect().then(
        ({ resourceMetrics, errors }) => {
          if (errors.length > 0) diag.error('Prometheus endpoint: metric collection errors', ...errors);
          response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          response.end(this.serializer.serialize(withUnitSuffixes(resourceMetrics)));
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(`# failed to collect metrics: ${String(error)}\n`);
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    return { host, port: address.port };
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }
}

function withUnitSuffixes(resourceMetrics: ResourceMetrics): ResourceMetrics {
  return {
    ...resourceMetrics,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric) => {
        const suffix = UNIT_SUFFIX[metric.descriptor.unit];
        if (!suffix || metric.descriptor.name.endsWith(`.${suffix}`)) return metric;
        return {
          ...metric,
          descriptor: { ...metric.descriptor, name: `${metric.descriptor.name}.${suffix}` },
        };
      }),
    })),
  };
}
