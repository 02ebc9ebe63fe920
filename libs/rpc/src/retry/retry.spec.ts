import { status } from '@grpc/grpc-js';
import { resolveRpcConfig } from '../config/rpc-config.js';
import { RetryBudget } from './retry-budget.js';
import { backoffDelayMs, classifyFailure } from './retry-policy.js';

const policy = resolveRpcConfig('unit').retry;
const outcome = (code: status, neverStarted = false, failFast = false) => ({ code, neverStarted, failFast });

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
});

describe('backoffDelayMs', () => {
  it('grows exponentially up to the cap, jittered below it', () => {
    expect(backoffDelayMs(1, policy, () => 1)).toBe(10);
    expect(backoffDelayMs(3, policy, () => 1)).toBe(40);
    expect(backoffDelayMs(10, policy, () => 1)).toBe(200);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(20);
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
