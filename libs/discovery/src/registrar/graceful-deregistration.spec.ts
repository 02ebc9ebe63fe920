import { EventEmitter } from 'node:events';
import { deregisterGracefully, GracefulDeregistration } from './graceful-deregistration.js';
import type { Registration } from './registrar.js';

// A fake registration: this unit test is about the order of steps, not etcd.
function fakeRegistration(log: string[], revoked: boolean): Registration {
  const emitter = new EventEmitter();
  return Object.assign(emitter, {
    key: 'flotilla/services/greeter/a',
    state: 'registered' as const,
    leaseId: '1',
    async deregister(timeoutMs?: number) {
      log.push(`revoke(${timeoutMs})`);
      return { revoked };
    },
  }) as unknown as Registration;
}

describe('deregisterGracefully', () => {
  it('marks NOT_SERVING, revokes, drains, then closes the server, in that order', async () => {
    const log: string[] = [];
    const started = Date.now();
    let drainedAt = 0;
    const result = await deregisterGracefully({
      markNotServing: () => void log.push('not-serving'),
      registration: fakeRegistration(log, true),
      drainMs: 200,
      revokeTimeoutMs: 1234,
      closeServer: async () => {
        drainedAt = Date.now();
        log.push('close');
      },
      onStep: (step) => log.push(`step:${step}`),
    });
    expect(result).toEqual({ revoked: true });
    expect(log).toEqual([
      'not-serving',
      'step:not-serving',
      'revoke(1234)',
      'step:lease-revoked',
      'step:drained',
      'close',
      'step:server-closed',
    ]);
    expect(drainedAt - started).toBeGreaterThanOrEqual(195);
  });

  it('still drains and closes when the revoke fails (etcd down), and says so', async () => {
    const steps: string[] = [];
    const result = await deregisterGracefully({
      markNotServing: async () => undefined,
      registration: fakeRegistration([], false),
      drainMs: 0,
      closeServer: async () => undefined,
      onStep: (step, detail) => steps.push(`${step}: ${detail}`),
    });
    expect(result).toEqual({ revoked: false });
    expect(steps[1]).toBe(
      'lease-revoked: revoke failed; flotilla/services/greeter/a will expire with its TTL',
    );
    expect(steps.at(-1)).toMatch(/^server-closed/);
  });

  it('works without a registration', async () => {
    const closed = vi.fn(async () => undefined);
    await expect(
      deregisterGracefully({ markNotServing: () => undefined, drainMs: 0, closeServer: closed }),
    ).resolves.toEqual({ revoked: false });
    expect(closed).toHaveBeenCalledOnce();
  });

  it('runs as separate steps for separate shutdown hooks: each once, and a later step runs the earlier ones first', async () => {
    const log: string[] = [];
    const steps = new GracefulDeregistration({
      markNotServing: () => void log.push('not-serving'),
      registration: fakeRegistration(log, true),
      drainMs: 10,
      closeServer: async () => void log.push('close'),
    });
    // Whoever asks first (app.close() closes the server before any hook runs), the order holds.
    await Promise.all([steps.closeServer(), steps.deregister(), steps.markNotServing()]);
    await steps.drain();
    await steps.closeServer();
    expect(log).toEqual(['not-serving', 'revoke(3000)', 'close']);
  });
});
