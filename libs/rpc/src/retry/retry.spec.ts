import { status } from '@grpc/grpc-js';
import { resolveRpcConfig } from '../config/rpc-config.js';
import { RetryBudget } from './retry-budget.js';
import { classifyFailure, retryBackoff } from './retry-policy.js';

const policy = resolveRpcConfig('unit').retry;
const outcome = (code: status, neverStarted = false, failFast = false, shed = false) => ({
  code,
  neverStarted,
  failFast,
  shed,
});

describe('classifyFailure', () => {
  it('retries UNAVAILABLE for idempotent methods only', () => {
    expect(classifyFailure(outcome(status.UNAVAILABLE), true, policy)).toBe('retry');
    expect(classifyFailure(outcome(status.UNAVAILABLE), false, policy)).toBe('final');
  });
  it('retries a call that never reached a server transparently, whatever the method', () => {
    expect(classifyFailure(outcome(status.UNAVAILABLE, true), false, policy)).toBe('transparent');
  });
  it.each([
    status.INVALID_ARGUMENT,
    status.NOT_FOUND,
    status.DEADLINE_EXCEEDED,
    status.CANCELLED,
    status.INTERNAL,
  ])('never retries %s by default', (code) =>
    expect(classifyFailure(outcome(code), true, policy)).toBe('final'),
  );
  it('never retries a fail-fast refusal (every breaker open)', () => {
    expect(classifyFailure(outcome(status.UNAVAILABLE, true, true), true, policy)).toBe('final');
  });
  it('retries a call a server shed on another endpoint, whatever the method', () => {
    expect(classifyFailure(outcome(status.RESOURCE_EXHAUSTED, false, false, true), false, policy)).toBe(
      'transparent',
    );
    // RESOURCE_EXHAUSTED from a handler (a quota, say) is not marked as shed: final.
    expect(classifyFailure(outcome(status.RESOURCE_EXHAUSTED), true, policy)).toBe('final');
  });
});

describe('retryBackoff (cockatiel ExponentialBackoff, gRPC full jitter)', () => {
  const delays = (random: () => number, config = policy) => {
    const backoff = retryBackoff(config, random);
    return Array.from({ length: 6 }, () => backoff.next());
  };
  it('grows by the multiplier up to the cap, jittered below it', () => {
    expect(delays(() => 1)).toEqual([10, 20, 40, 80, 160, 200]);
    expect(delays(() => 0.5)).toEqual([5, 10, 20, 40, 80, 100]);
    expect(delays(() => 1, { ...policy, backoffMultiplier: 3 })).toEqual([10, 30, 90, 200, 200, 200]);
  });
});

describe('RetryBudget (gRPC retryThrottling)', () => {
  it('stops retries once failures drain half the bucket, and successes refill it', () => {
    const budget = new RetryBudget(10, 0.5);
    for (let i = 0; i < 4; i++) budget.recordFailure();
    expect(budget.allowRetry()).toBe(true); // 6 > 5
    budget.recordFailure();
    expect(budget.allowRetry()).toBe(false); // 5 is not > 5
    expect(budget.throttled).toBe(1);
    budget.recordSuccess();
    expect(budget.allowRetry()).toBe(true); // 5.5
  });
  it('never exceeds maxTokens', () => {
    const budget = new RetryBudget(4, 1);
    for (let i = 0; i < 10; i++) budget.recordSuccess();
    expect(budget.available).toBe(4);
  });
});
