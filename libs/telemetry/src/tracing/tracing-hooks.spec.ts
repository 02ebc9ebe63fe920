import { Metadata, status } from '@grpc/grpc-js';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { HistogramMetricData } from '@opentelemetry/sdk-metrics';
import type { ClientCallInfo, ServerCallInfo } from '@flotilla/rpc';
import { traceLogMixin } from '../logging/trace-log-mixin.js';
import { inMemoryOtel, type InMemoryOtel } from '../test-support/in-memory-otel.js';
import { clientTracingInterceptor } from './client-tracing.js';
import { serverTracingHook } from './server-tracing.js';

const PATH = '/helloworld.v1.Greeter/SayHello';
let otel: InMemoryOtel;

beforeAll(() => {
  otel = inMemoryOtel();
});
afterAll(async () => {
  await otel.shutdown();
});
beforeEach(() => otel.reset());

function clientCall(kind: ClientCallInfo['kind'] = 'unary'): ClientCallInfo {
  return { service: 'greeter', method: PATH, kind, metadata: new Metadata(), deadline: Date.now() + 1000 };
}

function serverCall(metadata = new Metadata()): ServerCallInfo {
  return { method: PATH, kind: 'unary', metadata, peer: 'ipv4:127.0.0.1:53412', local: '127.0.0.1:50051' };
}

async function histogram(name: string): Promise<HistogramMetricData | undefined> {
  const collected = await otel.collect();
  const metrics = collected.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
  return metrics.find((m) => m.descriptor.name === name) as HistogramMetricData | undefined;
}

describe('client tracing interceptor', () => {
  it('makes a CLIENT span named after the method, sends traceparent, and records the outcome', async () => {
    const interceptor = clientTracingInterceptor(otel);
    const call = clientCall();
    const end = interceptor.start(call);
    const traceparent = call.metadata.get('traceparent')[0];
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    end?.({ code: status.OK, details: 'OK', durationMs: 12, endpoint: '127.0.0.1:4101' });

    const [span] = otel.spans();
    expect(span?.name).toBe('helloworld.v1.Greeter/SayHello');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(traceparent).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);
    expect(span?.attributes).toEqual({
      'rpc.system.name': 'grpc',
      'rpc.method': 'helloworld.v1.Greeter/SayHello',
      'rpc.response.status_code': 'OK',
      'server.address': '127.0.0.1',
      'server.port': 4101,
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);

    const duration = await histogram('rpc.client.call.duration');
    expect(duration?.descriptor.unit).toBe('s');
    const point = duration?.dataPoints[0];
    expect(point?.attributes).toEqual({
      'rpc.system.name': 'grpc',
      'rpc.method': 'helloworld.v1.Greeter/SayHello',
      'rpc.response.status_code': 'OK',
    });
    expect(point?.value.sum).toBeCloseTo(0.012, 6);
    expect(point?.value.buckets.boundaries).toContain(0.005);
  });

  it('marks every non-OK status an error, and names the service when no endpoint was picked', () => {
    const end = clientTracingInterceptor(otel).start(clientCall('server_stream'));
    end?.({ code: status.NOT_FOUND, details: 'no such greeting', durationMs: 1 });
    const [span] = otel.spans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no such greeting' });
    expect(span?.attributes['error.type']).toBe('NOT_FOUND');
    expect(span?.attributes['rpc.response.status_code']).toBe('NOT_FOUND');
    expect(span?.attributes['server.address']).toBe('greeter');
    expect(span?.attributes['server.port']).toBeUndefined();
  });
});

describe('server tracing hook', () => {
  it('continues the caller trace, runs the handler with its SERVER span active, and outgoing calls are its children', async () => {
    const callerTrace = '0af7651916cd43dd8448eb211c80319c';
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${callerTrace}-b7ad6b7169203331-01`);
    metadata.set('tracestate', 'vendor=1');
    const scope = serverTracingHook(otel).start(serverCall(metadata));
    expect(scope).toBeDefined();

    const downstream = clientCall();
    const logFields = await scope!.run(async () => {
      await Promise.resolve(); // across an await, as in a handler
      const end = clientTracingInterceptor(otel).start(downstream);
      end?.({ code: status.OK, details: 'OK', durationMs: 1, endpoint: '127.0.0.1:4102' });
      return traceLogMixin()();
    });
    scope!.end(status.OK, 'OK');

    const server = otel.spans().find((s) => s.kind === SpanKind.SERVER)!;
    const client = otel.spans().find((s) => s.kind === SpanKind.CLIENT)!;
    expect(server.spanContext().traceId).toBe(callerTrace);
    expect(server.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(server.spanContext().traceState?.get('vendor')).toBe('1');
    expect(client.spanContext().traceId).toBe(callerTrace);
    expect(client.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(downstream.metadata.get('traceparent')[0]).toBe(
      `00-${callerTrace}-${client.spanContext().spanId}-01`,
    );
    expect(downstream.metadata.get('tracestate')[0]).toBe('vendor=1');
    expect(logFields).toEqual({ trace_id: callerTrace, span_id: server.spanContext().spanId });
    expect(server.attributes).toEqual({
      'rpc.system.name': 'grpc',
      'rpc.method': 'helloworld.v1.Greeter/SayHello',
      'rpc.response.status_code': 'OK',
      'server.address': '127.0.0.1',
      'server.port': 50051,
      'network.peer.address': '127.0.0.1',
      'network.peer.port': 53412,
    });
    // Outside the handler's scope nothing is active.
    expect(trace.getSpan(context.active())).toBeUndefined();
    expect(traceLogMixin()()).toEqual({});
  });

  it('starts a new trace without caller context', () => {
    const scope = serverTracingHook(otel).start(serverCall());
    scope!.end(status.OK, 'OK');
    const [span] = otel.spans();
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    [status.NOT_FOUND, false],
    [status.INVALID_ARGUMENT, false],
    [status.RESOURCE_EXHAUSTED, false],
    [status.INTERNAL, true],
    [status.UNAVAILABLE, true],
    [status.DEADLINE_EXCEEDED, true],
    [status.UNKNOWN, true],
  ])('server status %s is an error: %s', (code, failed) => {
    const scope = serverTracingHook(otel).start(serverCall());
    scope!.end(code, 'details');
    const [span] = otel.spans();
    expect(span?.status.code).toBe(failed ? SpanStatusCode.ERROR : SpanStatusCode.UNSET);
    expect(span?.attributes['error.type']).toBe(failed ? status[code] : undefined);
    expect(span?.attributes['rpc.response.status_code']).toBe(status[code]);
  });

  it('records rpc.server.call.duration in seconds with the status', async () => {
    const scope = serverTracingHook(otel).start(serverCall());
    scope!.end(status.DATA_LOSS, 'lost');
    const duration = await histogram('rpc.server.call.duration');
    const point = duration?.dataPoints.find((p) => p.attributes['rpc.response.status_code'] === 'DATA_LOSS');
    expect(point?.attributes).toEqual({
      'rpc.system.name': 'grpc',
      'rpc.method': 'helloworld.v1.Greeter/SayHello',
      'rpc.response.status_code': 'DATA_LOSS',
      'error.type': 'DATA_LOSS',
    });
    expect(point?.value.count).toBe(1);
  });
});
