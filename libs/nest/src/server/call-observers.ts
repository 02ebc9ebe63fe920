import type { status } from '@grpc/grpc-js';
import type { CallKind, ServerCallHook, ServerCallInfo, ServerCallScope } from '@flotilla/rpc';
import type { ServerCall } from './grpc-call-context.js';

/** Starts the module's server call hooks for one arriving call. */
export type ObserveCall = (call: ServerCall) => ServerCallScope | undefined;

/**
 * The observer of one method's calls, or undefined when no hooks are configured: the adapters
 * then skip it entirely, so a service without telemetry pays nothing.
 */
export function callObserver(
  path: string,
  kind: CallKind,
  hooks: readonly ServerCallHook[],
  local: () => string | undefined,
): ObserveCall | undefined {
  if (hooks.length === 0) return undefined;
  return (call) => {
    const info: ServerCallInfo = {
      method: path,
      kind,
      metadata: call.metadata,
      get peer() {
        return call.getPeer();
      },
      get local() {
        return local();
      },
    };
    const scopes: ServerCallScope[] = [];
    for (const hook of hooks) {
      const scope = hook.start(info);
      if (scope) scopes.push(scope);
    }
    if (scopes.length === 0) return undefined;
    return once(scopes.length === 1 ? (scopes[0] as ServerCallScope) : nested(scopes));
  };
}

/** The first hook's scope outermost, as interceptors nest; ends run innermost first. */
function nested(scopes: readonly ServerCallScope[]): ServerCallScope {
  return {
    run<T>(fn: () => T): T {
      let inner = fn;
      for (let i = scopes.length - 1; i >= 0; i--) {
        const scope = scopes[i] as ServerCallScope;
        const next = inner;
        inner = () => scope.run(next);
      }
      return inner();
    },
    end(code: status, details: string): void {
      for (let i = scopes.length - 1; i >= 0; i--) scopes[i]?.end(code, details);
    },
  };
}

/** A call can end on several paths (reply, failure, cancellation); hooks hear of it once. */
function once(scope: ServerCallScope): ServerCallScope {
  let ended = false;
  return {
    run: (fn) => scope.run(fn),
    end(code, details) {
      if (ended) return;
      ended = true;
      scope.end(code, details);
    },
  };
}
