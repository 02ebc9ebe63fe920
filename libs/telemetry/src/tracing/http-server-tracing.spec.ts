import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { waitFor } from '@flotilla/testing';
import { inMemoryOtel, type InMemoryOtel } from '../test-support/in-memory-otel.js';
import { httpServerTracing } from './http-server-tracing.js';

let otel: InMemoryOtel;
let server: Server;
let base: string;

/**
 * What the handlers behind the middleware do: answer with the status in `?status=`, after a timer
 * and a span of their own started from the active context (as a client call would), and, like
 * Express after routing, leave the matched route on the request.
 */
function handle(request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname.startsWith('/hello/')) Object.assign(request, { route: { path: '/hello/:name' } });
  setTimeout(() => {
    otel.tracerProvider.getTracer('handler').startSpan('inner', {}, context.active()).end();
    response.writeHead(Number(url.searchParams.get('status') ?? 200)).end('done');
  }, 1);
}

beforeAll(async () => {
  otel = inMemoryOtel();
  const middleware = httpServerTracing({ ...otel, ignore: (path) => path === '/healthz' });
  server = createServer((request, response) =>
    middleware(request, response, () => handle(request, response)),
  );
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await otel.shutdown();
});
beforeEach(() => otel.reset());

/** The finished spans once `count` have ended: the server span ends after the answer is sent. */
function spans(count: number) {
  return waitFor(() => (otel.spans().length >= count ? otel.spans() : undefined), {
    timeoutMs: 5000,
    what: `${count} finished spans`,
  });
}

describe('HTTP server tracing middleware', () => {
  it("makes a SERVER span named after the route, with the handler's work as its child", async () => {
    const response = await fetch(`${base}/hello/Ada?lang=fr`, { headers: { 'user-agent': 'spec' } });
    expect(response.status).toBe(200);
    const [inner, span] = await spans(2);
    expect(span?.name).toBe('GET /hello/:name');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/hello/:name',
      'http.response.status_code': 200,
      'url.path': '/hello/Ada',
      'url.query': 'lang=fr',
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(base).port),
      'network.peer.address': '127.0.0.1',
      'user_agent.original': 'spec',
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(inner?.parentSpanContext?.spanId).toBe(span?.spanContext().spanId);
    expect(inner?.spanContext().traceId).toBe(span?.spanContext().traceId);
    // Nothing leaks into the context outside the request.
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it("continues the caller's trace from its traceparent header", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await fetch(`${base}/hello/Bo`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    const [, span] = await spans(2);
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('is an error for 5xx answers only; an unmatched route is named by its method alone', async () => {
    await fetch(`${base}/hello/Cy?status=503`);
    await fetch(`${base}/nowhere?status=404`);
    const servers = (await spans(4)).filter((s) => s.kind === SpanKind.SERVER);
    const failed = servers.find((s) => s.attributes['http.response.status_code'] === 503);
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes['error.type']).toBe('503');
    const missing = servers.find((s) => s.attributes['http.response.status_code'] === 404);
    expect(missing?.name).toBe('GET');
    expect(missing?.attributes['http.route']).toBeUndefined();
    expect(missing?.status.code).toBe(SpanStatusCode.UNSET);
    expect(missing?.attributes['error.type']).toBeUndefined();
  });

  it('leaves ignored paths untraced, and records http.server.request.duration in seconds', async () => {
    await fetch(`${base}/healthz`);
    await fetch(`${base}/hello/Di`);
    // Both handlers' inner spans and one SERVER span.
    const finished = await spans(3);
    expect(finished.filter((s) => s.kind === SpanKind.SERVER).map((s) => s.attributes['url.path'])).toEqual([
      '/hello/Di',
    ]);
    const collected = await otel.collect();
    const duration = collected
      .flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
      .find((m) => m.descriptor.name === 'http.server.request.duration') as HistogramMetricData | undefined;
    expect(duration?.descriptor.unit).toBe('s');
    const ok = duration?.dataPoints.find(
      (p) =>
        p.attributes['http.route'] === '/hello/:name' && p.attributes['http.response.status_code'] === 200,
    );
    expect(ok?.attributes).toEqual({
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'http.route': '/hello/:name',
      'http.response.status_code': 200,
    });
    expect(ok?.value.count).toBeGreaterThanOrEqual(1);
  });
});
