import { status } from '@grpc/grpc-js';
import { faultInjectionFromEnv, faultInjectionProviders } from './fault-injection.js';

describe('fault injection knobs (GREETER_FAULT, GREETER_DELAY_MS)', () => {
  it('installs nothing when unset', () => {
    expect(faultInjectionFromEnv({})).toBeUndefined();
    expect(faultInjectionProviders({})).toEqual([]);
  });

  it('reads a status name and a delay', () => {
    expect(faultInjectionFromEnv({ GREETER_FAULT: 'unavailable', GREETER_DELAY_MS: '50' })).toEqual({
      fault: status.UNAVAILABLE,
      delayMs: 50,
      busyMs: 0,
    });
    expect(faultInjectionFromEnv({ GREETER_DELAY_MS: '5' })).toEqual({
      fault: undefined,
      delayMs: 5,
      busyMs: 0,
    });
    expect(faultInjectionFromEnv({ GREETER_BUSY_MS: '3' })).toEqual({
      fault: undefined,
      delayMs: 0,
      busyMs: 3,
    });
  });

  it.each([
    [{ GREETER_FAULT: 'ok' }, 'GREETER_FAULT must name a gRPC error status such as "unavailable", got "ok"'],
    [
      { GREETER_FAULT: 'nope' },
      'GREETER_FAULT must name a gRPC error status such as "unavailable", got "nope"',
    ],
    [{ GREETER_DELAY_MS: '-1' }, 'GREETER_DELAY_MS must be an integer from 0 to 600000, got "-1"'],
    [{ GREETER_BUSY_MS: '5000' }, 'GREETER_BUSY_MS must be an integer from 0 to 1000, got "5000"'],
  ])('rejects %j', (env, message) => {
    expect(() => faultInjectionFromEnv(env)).toThrow(message);
  });
});
