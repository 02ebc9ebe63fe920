import { status } from '@grpc/grpc-js';
import { DEFAULT_RPC_CONFIG, resolveRpcConfig } from './rpc-config.js';

describe('resolveRpcConfig', () => {
  it('fills in defaults', () => {
    expect(resolveRpcConfig('greeter')).toEqual({ service: 'greeter', ...DEFAULT_RPC_CONFIG });
  });

  it('accepts per-service settings and status names', () => {
    const config = resolveRpcConfig('greeter', {
      policy: 'weighted',
      breaker: { volumeThreshold: 3, resetTimeoutMs: 100 },
      retry: { retryableCodes: ['UNAVAILABLE', 'RESOURCE_EXHAUSTED'] },
      methods: { SayHello: { timeoutMs: 250, hedging: true } },
    });
    expect(config.policy).toBe('weighted');
    expect(config.breaker).toMatchObject({
      volumeThreshold: 3,
      resetTimeoutMs: 100,
      errorThresholdPercentage: 50,
    });
    expect(config.retry.retryableCodes).toEqual([status.UNAVAILABLE, status.RESOURCE_EXHAUSTED]);
    expect(config.methods['SayHello']).toEqual({ timeoutMs: 250, hedging: true });
  });

  it.each([
    [
      { policy: 'random' },
      'rpc config for "greeter": policy must be one of p2c_ewma, round_robin, weighted, got "random"',
    ],
    [{ timeoutMS: 5 }, 'rpc config for "greeter": timeoutMS is not a known setting'],
    [
      { breaker: { errorThresholdPercentage: 150 } },
      'breaker.errorThresholdPercentage must be a number from 1 to 100, got 150',
    ],
    [
      { breaker: { windowMs: 1000, windowBuckets: 3 } },
      'breaker.windowBuckets must divide breaker.windowMs (1000), got 3',
    ],
    [{ retry: { maxAttempts: 0 } }, 'retry.maxAttempts must be an integer from 1 to 10, got 0'],
    [
      { retry: { retryableCodes: ['NOPE'] } },
      'retry.retryableCodes contains "NOPE", which is not a gRPC status name (e.g. "UNAVAILABLE")',
    ],
    [
      { retry: { retryableCodes: [14] } },
      'retry.retryableCodes contains 14, which is not a gRPC status name (e.g. "UNAVAILABLE")',
    ],
    [{ timeoutMs: Infinity }, 'timeoutMs must be a number from 1 to 86400000'],
    [
      { breaker: { foo: 1 } },
      'breaker.foo is not a known setting (known: enabled, errorThresholdPercentage,',
    ],
    [
      { retryBudget: { tokenRatio: 'x' } },
      'retryBudget.tokenRatio must be a number from 0.001 to 1, got "x"',
    ],
    [
      { methods: { SayHello: { idempotent: 'yes' } } },
      'methods.SayHello.idempotent must be true or false, got "yes"',
    ],
    [{ breaker: [] }, 'rpc config for "greeter": breaker must be an object, got []'],
  ])('rejects %j naming the bad value', (raw, message) => {
    expect(() => resolveRpcConfig('greeter', raw)).toThrow(message);
  });

  it("checks methods.<Name> against the service's methods, in proto or ts-proto form", () => {
    const methodNames = ['SayHello', 'sayHello', 'SayHelloBidi', 'sayHelloBidi'];
    const options = { methodNames, fullServiceName: 'helloworld.v1.Greeter' };
    expect(resolveRpcConfig('greeter', { methods: { sayHello: { timeoutMs: 5 } } }, options).methods).toEqual(
      {
        sayHello: { timeoutMs: 5 },
      },
    );
    expect(() => resolveRpcConfig('greeter', { methods: { SayHelo: { timeoutMs: 5 } } }, options)).toThrow(
      'rpc config for "greeter": methods.SayHelo is not a method of helloworld.v1.Greeter (methods: SayHello, SayHelloBidi)',
    );
  });
});
