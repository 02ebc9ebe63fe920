import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Attributes,
  context,
  type Histogram,
  type MeterProvider,
  metrics,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { CALL_DURATION_BUCKETS_S, METRIC_NAMES } from '../metrics/metric-names.js';
import { INSTRUMENTATION_SCOPE, rpcInstruments, type TracingOptions } from './rpc-instruments.js';
import { splitHostPort } from './rpc-semconv.js';

/** Attribute names of the stable OpenTelemetry HTTP semantic conventions this middleware sets. */
export const HTTP_ATTRIBUTES = {
  method: 'http.request.method',
  methodOriginal: 'http.request.method_original',
  route: 'http.route',
  statusCode: 'http.response.status_code',
  urlPath: 'url.path',
  urlQuery: 'url.query',
  urlScheme: 'url.scheme',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  clientAddress: 'client.address',
  peerAddress: 'network.peer.address',
  peerPort: 'network.peer.port',
  protocolVersion: 'network.protocol.version',
  userAgent: 'user_agent.original',
  errorType: 'error.type',
} as const;

const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

export interface HttpServerTracingOptions extends TracingOptions {
  /** Requests (by path) that get no span, e.g. health checks and stats polling. */
  ignore?: (path: string) => boolean;
}

/** A connect/Express middleware: `(request, response, next)`. */
export type HttpMiddleware = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

/**
 * An Express (or connect) middleware that makes a SERVER span per HTTP request, continuing the
 * caller's trace from its `traceparent` / `tracestate` headers, runs the rest of the request with
 * that span active (so the Flotilla clients called while handling it make child CLIENT spans), and
 * records `http.server.request.duration`. Names and attributes follow the stable HTTP semantic
 * conventions: the span is `GET /hello/:name` once the router matched a route (`http.route`),
 * `GET` otherwise; only 5xx answers are errors. Install it first, e.g. `app.use(httpServerTracing())`
 * on a Nest application before it listens.
 *
 * A middleware rather than `@opentelemetry/instrumentation-http`: that patches `node:http` when it
 * is required, which in an ESM service has already happened before main.ts runs, and it would also
 * trace the Prometheus endpoint and every outgoing request of the process.
 */
export function httpServerTracing(options: HttpServerTracingOptions = {}): HttpMiddleware {
  const instruments = rpcInstruments(options);
  const duration = lazyDurationHistogram(options.meterProvider);
  return (request, response, next) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (options.ignore?.(url.pathname)) {
      next();
      return;
    }
    const method = (request.method ?? 'GET').toUpperCase();
    const knownMethod = KNOWN_METHODS.has(method) ? method : '_OTHER';
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const attributes = requestAttributes(request, url, knownMethod, method);
    const span = instruments
      .tracer()
      .startSpan(
        knownMethod === '_OTHER' ? 'HTTP' : knownMethod,
        { kind: SpanKind.SERVER, attributes },
        parent,
      );
    const active = trace.setSpan(parent, span);
    // Listeners added later (a body parser's 'end', say) run in the request's context too.
    context.bind(active, request);
    context.bind(active, response);
    const started = performance.now();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const status = response.statusCode;
      const route = routeOf(request);
      span.setAttribute(HTTP_ATTRIBUTES.statusCode, status);
      if (route) {
        span.setAttribute(HTTP_ATTRIBUTES.route, route);
        if (knownMethod !== '_OTHER') span.updateName(`${knownMethod} ${route}`);
      }
      // A server's span is an error for its own failures (5xx), not for the caller's (4xx).
      const failed = status >= 500;
      if (failed) {
        span.setAttribute(HTTP_ATTRIBUTES.errorType, String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
      const recorded: Attributes = {
        [HTTP_ATTRIBUTES.method]: knownMethod,
        [HTTP_ATTRIBUTES.urlScheme]: 'http',
        [HTTP_ATTRIBUTES.statusCode]: status,
      };
      if (route) recorded[HTTP_ATTRIBUTES.route] = route;
      if (failed) recorded[HTTP_ATTRIBUTES.errorType] = String(status);
      duration().record((performance.now() - started) / 1000, recorded);
    };
    response.once('finish', end);
    response.once('close', end);
    context.with(active, next);
  };
}

function requestAttributes(
  request: IncomingMessage,
  url: URL,
  method: string,
  originalMethod: string,
): Attributes {
  const attributes: Attributes = {
    [HTTP_ATTRIBUTES.method]: method,
    [HTTP_ATTRIBUTES.urlPath]: url.pathname,
    [HTTP_ATTRIBUTES.urlScheme]: 'http',
    [HTTP_ATTRIBUTES.protocolVersion]: request.httpVersion,
  };
  if (method !== originalMethod) attributes[HTTP_ATTRIBUTES.methodOriginal] = originalMethod;
  if (url.search) attributes[HTTP_ATTRIBUTES.urlQuery] = url.search.slice(1);
  const host = request.headers.host ? splitHostPort(request.headers.host) : undefined;
  const serverHost = host?.host ?? request.socket.localAddress;
  const serverPort = host?.port ?? request.socket.localPort;
  if (serverHost) attributes[HTTP_ATTRIBUTES.serverAddress] = serverHost;
  if (serverPort) attributes[HTTP_ATTRIBUTES.serverPort] = serverPort;
  const peer = request.socket.remoteAddress;
  if (peer) {
    attributes[HTTP_ATTRIBUTES.peerAddress] = peer;
    attributes[HTTP_ATTRIBUTES.clientAddress] = peer;
  }
  if (request.socket.remotePort) attributes[HTTP_ATTRIBUTES.peerPort] = request.socket.remotePort;
  const agent = request.headers['user-agent'];
  if (agent) attributes[HTTP_ATTRIBUTES.userAgent] = agent;
  return attributes;
}

/** The route template Express matched (`/hello/:name`), with its router's mount path; undefined if none. */
function routeOf(request: IncomingMessage): string | undefined {
  const express = request as IncomingMessage & { route?: { path?: unknown }; baseUrl?: unknown };
  const path = express.route?.path;
  if (typeof path !== 'string') return undefined;
  const base = typeof express.baseUrl === 'string' ? express.baseUrl : '';
  return `${base}${path}` || '/';
}

/** `http.server.request.duration`, looked up again whenever the global meter provider changed. */
function lazyDurationHistogram(explicit: MeterProvider | undefined): () => Histogram {
  let provider: MeterProvider | undefined;
  let histogram: Histogram | undefined;
  return () => {
    const current = explicit ?? metrics.getMeterProvider();
    if (current !== provider || !histogram) {
      provider = current;
      histogram = current.getMeter(INSTRUMENTATION_SCOPE).createHistogram(METRIC_NAMES.httpServerDuration, {
        unit: 's',
        description: 'Duration of HTTP requests served, from arrival to the last byte of the answer.',
        advice: { explicitBucketBoundaries: [...CALL_DURATION_BUCKETS_S] },
      });
    }
    return histogram;
  };
}
