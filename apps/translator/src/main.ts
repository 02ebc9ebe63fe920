#!/usr/bin/env node
import { runMicroservice } from '@flotilla/nest';
import { FlotillaTelemetryModule, startTelemetry } from '@flotilla/telemetry';
import { TRANSLATOR_VERSION, TranslatorModule } from './translator.module.js';

// Exports only what the environment asks for (Prometheus on FLOTILLA_METRICS_PORT, OTLP on OTEL_*).
await startTelemetry({ serviceName: 'translator', serviceVersion: TRANSLATOR_VERSION });
// Flags, FLOTILLA_* env vars, registration, live config and shutdown: @flotilla/nest. The telemetry
// module is one per process, so it joins here, not in TranslatorModule (tests run several at once).
await runMicroservice({ module: TranslatorModule, imports: [FlotillaTelemetryModule] });
