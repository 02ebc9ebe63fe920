import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * For `FlotillaModule.forRoot({ logMixin })` (or any pino `mixin`): adds `trace_id` and `span_id`
 * of the active span to each log line, so logs written while handling a call join its trace.
 */
export function traceLogMixin(): () => Record<string, unknown> {
  return () => {
    const span = trace.getActiveSpan();
    if (!span) return {};
    const spanContext = span.spanContext();
    if (!isSpanContextValid(spanContext)) return {};
    return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
  };
}
