import { resolveRpcConfig } from '../config/rpc-config.js';
import { EndpointState } from './endpoint-state.js';
import { P2cEwmaStrategy, RoundRobinStrategy, WeightedStrategy } from './pick-strategies.js';

const config = resolveRpcConfig('unit', { breaker: { enabled: false } });
const endpoint = (address: string, weight = 1) =>
  Object.assign(new EndpointState(address, config, () => undefined), { weight });

describe('pick strategies', () => {
  it('p2c picks the cheaper of two: fewer in flight at equal latency', () => {
    const a = endpoint('a');
    const b = endpoint('b');
    a.inflight = 5;
    const randoms = [0.1, 0.1]; // i = 0 (a), j = 1 (b)
    const strategy = new P2cEwmaStrategy(() => randoms.shift()!);
    expect(strategy.choose([a, b], performance.now())).toBe(b);
  });

  it('p2c avoids an endpoint with recent errors', () => {
    const a = endpoint('a');
    const b = endpoint('b');
    const end = a.attemptStarted(true);
    end(14); // UNAVAILABLE: penalty
    const strategy = new P2cEwmaStrategy(() => 0);
    expect(strategy.choose([a, b], performance.now())).toBe(b);
  });

  it('p2c never compares an endpoint with itself', () => {
    const [a, b, c] = [endpoint('a'), endpoint('b'), endpoint('c')];
    a.inflight = 100;
    c.inflight = 100;
    // i = floor(0.99 * 3) = 2 (c); j = floor(0.99 * 2) = 1 -> b
    const strategy = new P2cEwmaStrategy(() => 0.99);
    expect(strategy.choose([a, b, c], performance.now())).toBe(b);
  });

  it('round robin cycles', () => {
    const list = [endpoint('a'), endpoint('b'), endpoint('c')];
    const strategy = new RoundRobinStrategy();
    const picks = Array.from({ length: 6 }, () => strategy.choose(list).address);
    expect(new Set(picks.slice(0, 3)).size).toBe(3);
    expect(picks.slice(3)).toEqual(picks.slice(0, 3));
  });

  it('weighted interleaves smoothly by weight', () => {
    const list = [endpoint('a', 5), endpoint('b', 1), endpoint('c', 1)];
    const strategy = new WeightedStrategy();
    expect(Array.from({ length: 7 }, () => strategy.choose(list).address).join('')).toBe('aabacaa');
  });
});
