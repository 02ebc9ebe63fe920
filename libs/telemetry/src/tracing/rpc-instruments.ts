import {
  type Histogram,
  type MeterProvider,
  metrics,
  trace,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { CALL_DURATION_BUCKETS_S, METRIC_NAMES } from '../metrics/metric-names.js';

/** Instrumentation scope of everything this package records. */
export const INSTRUMENTATION_SCOPE = '@flotilla/telemetry';

/** Providers to record to instead of the global ones (tests, or an application with several SDKs). */
export interface TracingOptions {
  tracerProvider?: TracerProvider;
  meterProvider?: MeterProvider;
}

export interface RpcInstruments {
  tracer(): Tracer;
  duration(side: 'client' | 'server'): Histogram;
}

/**
 * The tracer and the two call-duration histograms, looked up lazily and again whenever the global
 * provider changed: hooks are created before `startTelemetry` (in a module's options, say), and
 * telemetry may be shut down and started again in one process (tests).
 */
export function rpcInstruments(options: TracingOptions = {}): RpcInstruments {
  let tracer: Tracer | undefined;
  let tracerProvider: TracerProvider | undefined;
  let meterProvider: MeterProvider | undefined;
  let client: Histogram | undefined;
  let server: Histogram | undefined;
  const histograms = () => {
    const provider = options.meterProvider ?? metrics.getMeterProvider();
    if (provider !== meterProvider || !client || !server) {
      meterProvider = provider;
      const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
      const advice = { explicitBucketBoundaries: [...CALL_DURATION_BUCKETS_S] };
      server = meter.createHistogram(METRIC_NAMES.serverCallDuration, {
        unit: 's',
        description: 'Duration of served RPC calls, from arrival to status.',
        advice,
      });
      client = meter.createHistogram(METRIC_NAMES.clientCallDuration, {
        unit: 's',
        description: 'Duration of outgoing RPC calls, retries and hedges included.',
        advice,
      });
    }
    return { client, server };
  };
  return {
    tracer: () => {
      const provider = options.tracerProvider ?? trace.getTracerProvider();
      if (provider !== tracerProvider || !tracer) {
        tracerProvider = provider;
        tracer = provider.getTracer(INSTRUMENTATION_SCOPE);
      }
      return tracer;
    },
    duration: (side) => histograms()[side],
  };
}
