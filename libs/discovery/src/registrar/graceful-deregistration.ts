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
 * Takes an instance out of service without failing calls, one step at a time so that different
 * shutdown hooks can run different steps: NOT_SERVING, revoke the lease, wait for the drain
 * delay, close the server (which refuses new calls and waits for in-flight ones). Each step runs
 * once, and asking for a step runs the steps before it first, so the order holds whoever asks.
 */
export class GracefulDeregistration {
  private notServing: Promise<void> | undefined;
  private revoking: Promise<{ revoked: boolean }> | undefined;
  private draining: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: GracefulDeregistrationOptions) {}

  /** Step 1. */
  markNotServing(): Promise<void> {
    this.notServing ??= (async () => {
      await this.options.markNotServing();
      this.step('not-serving', 'health reports NOT_SERVING');
    })();
    return this.notServing;
  }

  /** Steps 1-2. Resolves with whether the lease was revoked (false: etcd unreachable, or none). */
  deregister(): Promise<{ revoked: boolean }> {
    this.revoking ??= (async () => {
      await this.markNotServing();
      const registration = this.options.registration;
      if (!registration) return { revoked: false };
      const { revoked } = await registration.deregister(this.options.revokeTimeoutMs ?? 3000);
      this.step(
        'lease-revoked',
        revoked
          ? `lease revoked, ${registration.key} deleted`
          : `revoke failed; ${registration.key} will expire with its TTL`,
      );
      return { revoked };
    })();
    return this.revoking;
  }

  /** Steps 1-3. */
  drain(): Promise<void> {
    this.draining ??= (async () => {
      await this.deregister();
      const drainMs = this.options.drainMs ?? 1000;
      if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
      this.step('drained', `waited ${drainMs} ms for clients to drop this endpoint`);
    })();
    return this.draining;
  }

  /** Steps 1-5: everything. */
  closeServer(): Promise<void> {
    this.closing ??= (async () => {
      await this.drain();
      await this.options.closeServer();
      this.step('server-closed', 'stopped taking calls; in-flight calls finished or hit the deadline');
    })();
    return this.closing;
  }

  /** The whole sequence; resolves with whether the lease was revoked. */
  async run(): Promise<{ revoked: boolean }> {
    await this.closeServer();
    return this.deregister();
  }

  private step(step: ShutdownStep, detail: string): void {
    this.options.onStep?.(step, detail);
  }
}

/**
 * The whole sequence at once: NOT_SERVING, revoke the lease, wait for the drain delay, then close
 * the server. The caller exits afterwards.
 */
export function deregisterGracefully(options: GracefulDeregistrationOptions): Promise<{ revoked: boolean }> {
  return new GracefulDeregistration(options).run();
}
