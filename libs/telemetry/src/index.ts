// Setup
export {
  startTelemetry,
  activeTelemetry,
  type StartTelemetryOptions,
  type Telemetry,
} from './sdk/start-telemetry.js';
export {
  resolveTelemetrySettings,
  TelemetrySettingsError,
  type TelemetrySettings,
  type OtlpProtocol,
} from './settings/telemetry-settings.js';

// Tracing hooks (any Flotilla client / server) and their Nest wiring
export { clientTracingInterceptor } from './tracing/client-tracing.js';
export { serverTracingHook } from './tracing/server-tracing.js';
export {
  httpServerTracing,
  HTTP_ATTRIBUTES,
  type HttpMiddleware,
  type HttpServerTracingOptions,
} from './tracing/http-server-tracing.js';
export { INSTRUMENTATION_SCOPE, type TracingOptions } from './tracing/rpc-instruments.js';
export { metadataGetter, metadataSetter } from './tracing/metadata-carrier.js';
export { RPC_ATTRIBUTES, RPC_SYSTEM_GRPC, isRpcError, statusName } from './tracing/rpc-semconv.js';
export { traceLogMixin } from './logging/trace-log-mixin.js';
export { flotillaTelemetry } from './nest/flotilla-telemetry.js';
export { FlotillaTelemetryModule } from './nest/flotilla-telemetry.module.js';

// Metrics
export { METRIC_NAMES, METRIC_ATTRIBUTES, CALL_DURATION_BUCKETS_S } from './metrics/metric-names.js';
export {
  registerClient,
  registerClients,
  registerRegistrationState,
  registerShedCounter,
  registerStalenessSource,
  type ClientStatsSource,
  type Unregister,
} from './metrics/metric-sources.js';
