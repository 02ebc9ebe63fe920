// Test helpers for services that use this package, as `@flotilla/telemetry/testing`: an OTLP/HTTP
// receiver to point OTEL_EXPORTER_OTLP_ENDPOINT at, and a reader of Prometheus scrapes.
// Product code does not import this entry point.
export {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
  SPAN_KIND,
  SPAN_STATUS,
} from './testing/otlp-receiver.js';
export { parsePrometheusSamples, type PrometheusSample } from './testing/prometheus-samples.js';
