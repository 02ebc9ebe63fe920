import { z } from 'zod';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TelemetrySettings {
  /** `service.name` of the resource. */
  serviceName: string;
  /** OTEL_SDK_DISABLED=true: no SDK at all (the hooks then record nothing). */
  disabled: boolean;
  /** Where traces go over OTLP/HTTP; undefined: not exported. */
  tracesUrl: string | undefined;
  tracesProtocol: OtlpProtocol;
  /** Where metrics go over OTLP/HTTP; undefined: not exported. */
  metricsUrl: string | undefined;
  metricsProtocol: OtlpProtocol;
  /** Interval of the periodic OTLP and console metric exports, ms. */
  metricExportIntervalMs: number;
  /** Port of the Prometheus scrape endpoint; 0: none. */
  prometheusPort: number;
  prometheusHost: string;
  /** Spans and metrics written to stdout as well, for local debugging. */
  console: boolean;
}

/** A bad telemetry setting; the message names the variable and the value. */
export class TelemetrySettingsError extends Error {
  override readonly name = 'TelemetrySettingsError';
}

type Env = Readonly<Record<string, string | undefined>>;

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const protocol = z.enum(['http/protobuf', 'http/json'], {
  error: 'must be http/protobuf or http/json (this package exports OTLP over HTTP only)',
});
const flag = z.enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'], {
  error: 'must be 1/0, true/false, on/off or yes/no',
});
const port = z.coerce
  .number({ error: 'must be an integer from 0 to 65535' })
  .int({ error: 'must be an integer from 0 to 65535' })
  .min(0, { error: 'must be an integer from 0 to 65535' })
  .max(65535, { error: 'must be an integer from 0 to 65535' });
const interval = z.coerce
  .number({ error: 'must be a positive integer (milliseconds)' })
  .int({ error: 'must be a positive integer (milliseconds)' })
  .positive({ error: 'must be a positive integer (milliseconds)' });
const host = z.string().trim().min(1, { error: 'must be a host name or address' });

/**
 * Reads the telemetry settings from the environment: the standard OTEL_* variables this package
 * acts on, and FLOTILLA_* ones for what OpenTelemetry has no variable for. Every bad value is
 * reported at once, each naming its variable.
 */
export function resolveTelemetrySettings(serviceName: string, env: Env = process.env): TelemetrySettings {
  const problems: string[] = [];
  const read = <T>(name: string, schema: z.ZodType<T>, fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const parsed = schema.safeParse(raw.trim());
    if (parsed.success) return parsed.data;
    problems.push(`${name} ${parsed.error.issues[0]?.message ?? 'is invalid'}, got ${JSON.stringify(raw)}`);
    return fallback;
  };
  const endpoint = read('OTEL_EXPORTER_OTLP_ENDPOINT', url, undefined);
  const baseProtocol = read('OTEL_EXPORTER_OTLP_PROTOCOL', protocol, 'http/protobuf');
  const signalUrl = (signal: 'TRACES' | 'METRICS', path: string) =>
    read(`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`, url, undefined) ??
    (endpoint ? `${endpoint.replace(/\/+$/, '')}/${path}` : undefined);
  const tracesExporter = read('OTEL_TRACES_EXPORTER', z.string(), 'otlp');
  const metricsExporter = read('OTEL_METRICS_EXPORTER', z.string(), 'otlp');
  const settings: TelemetrySettings = {
    serviceName: read('OTEL_SERVICE_NAME', host, serviceName),
    disabled: isOn(read('OTEL_SDK_DISABLED', flag, 'false')),
    tracesUrl: tracesExporter.split(',').includes('none') ? undefined : signalUrl('TRACES', 'v1/traces'),
    tracesProtocol: read('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', protocol, baseProtocol),
    metricsUrl: metricsExporter.split(',').includes('none') ? undefined : signalUrl('METRICS', 'v1/metrics'),
    metricsProtocol: read('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', protocol, baseProtocol),
    metricExportIntervalMs: read('OTEL_METRIC_EXPORT_INTERVAL', interval, 60_000),
    prometheusPort: read('FLOTILLA_METRICS_PORT', port, 0),
    prometheusHost: read('FLOTILLA_METRICS_HOST', host, '127.0.0.1'),
    console: isOn(read('FLOTILLA_TELEMETRY_CONSOLE', flag, '0')),
  };
  if (problems.length > 0) throw new TelemetrySettingsError(`telemetry settings: ${problems.join('; ')}`);
  return settings;
}

function isOn(value: z.infer<typeof flag>): boolean {
  return value === '1' || value === 'true' || value === 'on' || value === 'yes';
}
