import type { Registration } from './registrar.js';

export type ShutdownStep = 'not-serving' | 'lease-revoked' | 'drained' | 'server-closed';

export interface GracefulDeregistrationOptions {
  /** Step 1: report NOT_SERVING on the health service, so health-checking clients back off first. */
  markNotServing(): void | Promise<void>;
  /** Step 2: the registration whose lease is revoked, which deletes its key and tells watchers at once. */
  registration?: Registration | undefined;
  /** Step 3: how long to keep serving after the revoke so clients can drop the endpoint. Default 1000 ms. */
  drainMs?: number;
  /** Gives up on the revoke (etcd down) after this long; the key then expires with its TTL. Default 3000 ms. */
  revokeTimeoutMs?: number;
  /** Steps 4 and 5: stop taking new calls and finish in-flight ones up to a deadline (the server's graceful close). */
  closeServer(): Promise<void>;
  /** Told about each finished step, for logs. */
  onStep?: (step: ShutdownStep, detail: string) => void;
}

/**
 * Takes an instance out of service without failing calls: NOT_SERVING, revoke the lease, wait for
 * the drain delay, then close the server (which refuses new calls and waits for in-flight ones).
 * The caller exits afterwards.
 */
export async function deregisterGracefully(
  options: GracefulDeregistrationOptions,
): Promise<{ revoked: boolean }> {
  const step = options.onStep ?? (() => undefined);
  await options.markNotServing();
  step('not-serving', 'health reports NOT_SERVING');
  let revoked = false;
  if (options.registration) {
    ({ revoked } = await options.registration.deregister(options.revokeTimeoutMs ?? 3000));
    step(
      'lease-revoked',
      revoked
        ? `lease revoked, ${options.registration.key} deleted`
        : `revoke failed; ${options.registration.key} will expire with its TTL`,
    );
  }
  const drainMs = options.drainMs ?? 1000;
  if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
  step('drained', `waited ${drainMs} ms for clients to drop this endpoint`);
  await options.closeServer();
  step('server-closed', 'stopped taking calls; in-flight calls finished or hit the deadline');
  return { revoked };
}
