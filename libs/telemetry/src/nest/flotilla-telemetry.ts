import type { FlotillaModuleOptions } from '@flotilla/nest';
import { traceLogMixin } from '../logging/trace-log-mixin.js';
import { clientTracingInterceptor } from '../tracing/client-tracing.js';
import type { TracingOptions } from '../tracing/rpc-instruments.js';
import { serverTracingHook } from '../tracing/server-tracing.js';

/**
 * The FlotillaModule options that trace a service: spread into `forRoot`, e.g.
 * `FlotillaModule.forRoot({ service: 'greeter', schemas, ...flotillaTelemetry() })`. Served calls
 * get SERVER spans (continuing the caller's trace), calls made with injected clients get CLIENT
 * spans and carry the trace on, both record call durations, and log lines get `trace_id` /
 * `span_id`. The hooks use the global OpenTelemetry API: they record once `startTelemetry` ran.
 */
export function flotillaTelemetry(
  options: TracingOptions = {},
): Required<Pick<FlotillaModuleOptions, 'clientInterceptors' | 'serverCallHooks' | 'logMixin'>> {
  return {
    clientInterceptors: [clientTracingInterceptor(options)],
    serverCallHooks: [serverTracingHook(options)],
    logMixin: traceLogMixin(),
  };
}
