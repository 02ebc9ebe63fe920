import { type Attributes, context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ClientInterceptor } from '@flotilla/rpc';
import { metadataSetter } from './metadata-carrier.js';
import { rpcInstruments, type TracingOptions } from './rpc-instruments.js';
import {
  isRpcError,
  RPC_ATTRIBUTES,
  RPC_SYSTEM_GRPC,
  rpcMethodName,
  splitHostPort,
  statusName,
} from './rpc-semconv.js';

/**
 * A Flotilla client interceptor that makes a CLIENT span per call (a child of the active span, e.g.
 * the SERVER span of the call being handled), sends its context downstream as `traceparent` /
 * `tracestate` metadata, and records `rpc.client.call.duration`. One span per call, whatever its
 * shape: retries, hedges and transparent retries are inside it, and `server.address` /
 * `server.port` name the endpoint that gave the final answer.
 */
export function clientTracingInterceptor(options: TracingOptions = {}): ClientInterceptor {
  const instruments = rpcInstruments(options);
  return {
    start(call) {
      const method = rpcMethodName(call.method);
      const parent = context.active();
      const span = instruments.tracer().startSpan(
        method,
        {
          kind: SpanKind.CLIENT,
          attributes: { [RPC_ATTRIBUTES.system]: RPC_SYSTEM_GRPC, [RPC_ATTRIBUTES.method]: method },
        },
        parent,
      );
      propagation.inject(trace.setSpan(parent, span), call.metadata, metadataSetter);
      return (outcome) => {
        const code = statusName(outcome.code);
        const failed = isRpcError(outcome.code, 'client');
        const endpoint = outcome.endpoint ? splitHostPort(outcome.endpoint) : undefined;
        span.setAttribute(RPC_ATTRIBUTES.statusCode, code);
        // Without an endpoint (refused before any was picked) the logical name is the server's.
        span.setAttribute(RPC_ATTRIBUTES.serverAddress, endpoint?.host ?? call.service);
        if (endpoint) span.setAttribute(RPC_ATTRIBUTES.serverPort, endpoint.port);
        if (failed) {
          span.setAttribute(RPC_ATTRIBUTES.errorType, code);
          span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.details });
        }
        span.end();
        const attributes: Attributes = {
          [RPC_ATTRIBUTES.system]: RPC_SYSTEM_GRPC,
          [RPC_ATTRIBUTES.method]: method,
          [RPC_ATTRIBUTES.statusCode]: code,
        };
        if (failed) attributes[RPC_ATTRIBUTES.errorType] = code;
        instruments.duration('client').record(outcome.durationMs / 1000, attributes);
      };
    },
  };
}
