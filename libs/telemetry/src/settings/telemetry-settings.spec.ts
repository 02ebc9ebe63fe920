import { resolveTelemetrySettings, TelemetrySettingsError } from './telemetry-settings.js';

describe('telemetry settings', () => {
  it('exports nothing by default', () => {
    expect(resolveTelemetrySettings('greeter', {})).toEqual({
      serviceName: 'greeter',
      disabled: false,
      tracesUrl: undefined,
      tracesProtocol: 'http/protobuf',
      metricsUrl: undefined,
      metricsProtocol: 'http/protobuf',
      metricExportIntervalMs: 60_000,
      prometheusPort: 0,
      prometheusHost: '127.0.0.1',
      console: false,
    });
  });

  it('derives the OTLP/HTTP signal URLs from OTEL_EXPORTER_OTLP_ENDPOINT, signal variables first', () => {
    const settings = resolveTelemetrySettings('greeter', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:9999/m',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'renamed',
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      FLOTILLA_METRICS_PORT: '9464',
      FLOTILLA_TELEMETRY_CONSOLE: '1',
    });
    expect(settings).toMatchObject({
      serviceName: 'renamed',
      tracesUrl: 'http://127.0.0.1:4318/v1/traces',
      tracesProtocol: 'http/json',
      metricsUrl: 'http://127.0.0.1:9999/m',
      metricsProtocol: 'http/json',
      metricExportIntervalMs: 500,
      prometheusPort: 9464,
      console: true,
    });
  });

  it('honours OTEL_TRACES_EXPORTER=none and OTEL_SDK_DISABLED', () => {
    const settings = resolveTelemetrySettings('greeter', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_SDK_DISABLED: 'true',
    });
    expect(settings.tracesUrl).toBeUndefined();
    expect(settings.metricsUrl).toBe('http://127.0.0.1:4318/v1/metrics');
    expect(settings.disabled).toBe(true);
  });

  it('names every bad variable and its value', () => {
    const resolve = () =>
      resolveTelemetrySettings('greeter', {
        FLOTILLA_METRICS_PORT: 'abc',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        FLOTILLA_TELEMETRY_CONSOLE: 'maybe',
        OTEL_METRIC_EXPORT_INTERVAL: '-5',
      });
    expect(resolve).toThrow(TelemetrySettingsError);
    expect(resolve).toThrow(
      'telemetry settings: OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, got "localhost:4318"; ' +
        'OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (this package exports OTLP over HTTP only), got "grpc"; ' +
        'OTEL_METRIC_EXPORT_INTERVAL must be a positive integer (milliseconds), got "-5"; ' +
        'FLOTILLA_METRICS_PORT must be an integer from 0 to 65535, got "abc"; ' +
        'FLOTILLA_TELEMETRY_CONSOLE must be 1/0, true/false, on/off or yes/no, got "maybe"',
    );
  });

  it('rejects a port out of range', () => {
    expect(() => resolveTelemetrySettings('greeter', { FLOTILLA_METRICS_PORT: '70000' })).toThrow(
      'FLOTILLA_METRICS_PORT must be an integer from 0 to 65535, got "70000"',
    );
  });
});
