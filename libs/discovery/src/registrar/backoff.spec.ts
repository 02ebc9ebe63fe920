import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('grows exponentially up to the cap, with half of each step jittered', () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    expect(Array.from({ length: 6 }, () => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
    expect(Array.from({ length: 6 }, () => high.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('never gives up and counts attempts until reset', () => {
    const backoff = new Backoff({ random: () => 0.5 });
    for (let i = 0; i < 10_000; i++) expect(backoff.next()).toBeLessThanOrEqual(1000);
    expect(backoff.attempts).toBe(10_000);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(75);
  });

  it('rejects nonsense settings', () => {
    expect(() => new Backoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ initialMs: 500, maxMs: 100 })).toThrow(RangeError);
  });
});
