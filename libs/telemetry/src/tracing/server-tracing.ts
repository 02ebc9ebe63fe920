import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { ServerCallHook } from '@flotilla/rpc';
import { metadataGetter } from './metadata-carrier.js';
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
 * A server call hook (`@flotilla/nest`'s `serverCallHooks`) that continues the caller's trace from
 * the `traceparent` / `tracestate` metadata, makes a SERVER span per call, runs the handler with
 * that span active (so the calls it makes are its children), and records
 * `rpc.server.call.duration`. Calls without trace context start a new trace.
 */
export function serverTracingHook(options: TracingOptions = {}): ServerCallHook {
  const instruments = rpcInstruments(options);
  return {
    start(call) {
      const method = rpcMethodName(call.method);
      const parent = propagation.extract(ROOT_CONTEXT, call.metadata, metadataGetter);
      const attributes: Attributes = {
        [RPC_ATTRIBUTES.system]: RPC_SYSTEM_GRPC,
        [RPC_ATTRIBUTES.method]: method,
      };
      const local = call.local ? splitHostPort(call.local) : undefined;
      if (local) {
        attributes[RPC_ATTRIBUTES.serverAddress] = local.host;
        attributes[RPC_ATTRIBUTES.serverPort] = local.port;
      }
      const peer = splitHostPort(call.peer);
      if (peer) {
        attributes[RPC_ATTRIBUTES.peerAddress] = peer.host;
        attributes[RPC_ATTRIBUTES.peerPort] = peer.port;
      }
      const span = instruments.tracer().startSpan(method, { kind: SpanKind.SERVER, attributes }, parent);
      const active = trace.setSpan(parent, span);
      const started = performance.now();
      return {
        run: (fn) => context.with(active, fn),
        end(code, details) {
          const name = statusName(code);
          const failed = isRpcError(code, 'server');
          span.setAttribute(RPC_ATTRIBUTES.statusCode, name);
          if (failed) {
            span.setAttribute(RPC_ATTRIBUTES.errorType, name);
            span.setStatus({ code: SpanStatusCode.ERROR, message: details });
          }
          span.end();
          const recorded: Attributes = {
            [RPC_ATTRIBUTES.system]: RPC_SYSTEM_GRPC,
            [RPC_ATTRIBUTES.method]: method,
            [RPC_ATTRIBUTES.statusCode]: name,
          };
          if (failed) recorded[RPC_ATTRIBUTES.errorType] = name;
          instruments.duration('server').record((performance.now() - started) / 1000, recorded);
        },
      };
    },
  };
}
