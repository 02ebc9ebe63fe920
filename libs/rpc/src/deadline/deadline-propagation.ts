import { AsyncLocalStorage } from 'node:async_hooks';

interface DeadlineScope {
  /** Epoch milliseconds. */
  deadline: number;
}

const storage = new AsyncLocalStorage<DeadlineScope>();

/**
 * Whether any Flotilla client exists in this process (createClient sets it). Until one does,
 * servers need not open deadline scopes: nothing would read them, and in Node 20 the first
 * AsyncLocalStorage.run() installs promise hooks that tax every promise in the process. On
 * globalThis, so that every copy of this package agrees.
 */
const CLIENTS_EXIST = Symbol.for('flotilla.rpc.clients-exist');

export function noteClientCreated(): void {
  (globalThis as { [CLIENTS_EXIST]?: boolean })[CLIENTS_EXIST] = true;
}

/** True once a Flotilla client exists: only then is a deadline scope worth opening. */
export function deadlineScopesNeeded(): boolean {
  return (globalThis as { [CLIENTS_EXIST]?: boolean })[CLIENTS_EXIST] === true;
}

/**
 * Runs `fn` with `deadline` (a Date or epoch ms) as the inbound deadline: every Flotilla client call
 * made inside it, however deep in async code, gets at most the time that remains. A server
 * interceptor (see deadlineServerInterceptor) opens such a scope for each incoming call. A nested
 * scope can only shorten the deadline, never extend it.
 */
export function runWithDeadline<T>(deadline: Date | number | undefined, fn: () => T): T {
  if (deadline === undefined) return fn();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  if (!Number.isFinite(ms)) return fn();
  const outer = storage.getStore()?.deadline ?? Infinity;
  return storage.run({ deadline: Math.min(ms, outer) }, fn);
}

/** The inbound deadline of the current async context (epoch ms), if any. */
export function currentDeadline(): number | undefined {
  return storage.getStore()?.deadline;
}

/** Milliseconds left before the inbound deadline, or undefined outside a deadline scope. */
export function remainingTimeMs(now = Date.now()): number | undefined {
  const deadline = currentDeadline();
  return deadline === undefined ? undefined : Math.max(0, deadline - now);
}

/**
 * The deadline for an outgoing call (epoch ms): the caller's explicit deadline or timeout, else
 * the method's default, and never later than the inbound deadline.
 */
export function outgoingDeadline(
  explicit: { deadline?: Date | undefined; timeoutMs?: number | undefined },
  defaultTimeoutMs: number,
  now = Date.now(),
): number {
  let deadline = explicit.deadline?.getTime() ?? now + (explicit.timeoutMs ?? defaultTimeoutMs);
  const inbound = currentDeadline();
  if (inbound !== undefined && inbound < deadline) deadline = inbound;
  return deadline;
}
