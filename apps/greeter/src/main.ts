#!/usr/bin/env node
import { runMicroservice } from '@flotilla/nest';
import { FlotillaTelemetryModule, startTelemetry } from '@flotilla/telemetry';
import { GREETER_VERSION, GreeterModule } from './greeter.module.js';

// Exports only what the environment asks for (Prometheus on FLOTILLA_METRICS_PORT, OTLP on OTEL_*).
await startTelemetry({ serviceName: 'greeter', serviceVersion: GREETER_VERSION });
// Flags, FLOTILLA_* env vars, registration and shutdown: @flotilla/nest (--help). The telemetry module
// is one per process, so it joins here, not in GreeterModule (tests run several in one process).
await runMicroservice({ module: GreeterModule, imports: [FlotillaTelemetryModule] });
