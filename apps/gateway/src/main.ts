#!/usr/bin/env node
import { startTelemetry } from '@flotilla/telemetry';
import { GATEWAY_VERSION } from './openapi.js';
import { runGateway } from './run-gateway.js';

// The standard Flotilla flags and FLOTILLA_* env vars (--help lists them); stops gracefully on SIGTERM.
// Telemetry exports only what the environment asks for (OTLP on OTEL_*, Prometheus on FLOTILLA_METRICS_PORT).
await runGateway({
  startTelemetry: (settings) =>
    startTelemetry({ serviceName: settings.service, serviceVersion: GATEWAY_VERSION }),
});
