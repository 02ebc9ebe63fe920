import { parseDuration, resolveChaosOptions } from './options.js';

describe('chaos options', () => {
  it('parses durations', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('45')).toBe(45_000);
    expect(() => parseDuration('30 seconds')).toThrow('invalid duration "30 seconds": use e.g. 30s');
    expect(() => parseDuration('s')).toThrow(/invalid duration/);
  });

  it('fills in defaults and names bad values', () => {
    const o = resolveChaosOptions({ stateDir: '/tmp/x', durationMs: 30_000, seed: 3 });
    expect(o).toMatchObject({ seed: 3, rate: 60, concurrency: 8, faultEveryMs: 2000 });
    expect(Number.isInteger(resolveChaosOptions({ stateDir: '/x', durationMs: 5000 }).seed)).toBe(true);
    expect(() => resolveChaosOptions({ stateDir: '/x', durationMs: 500 })).toThrow(/at least 1s/);
    expect(() => resolveChaosOptions({ stateDir: '/x', durationMs: 5000, rate: -1 })).toThrow(
      'chaos: rate must be a positive number, got -1',
    );
    expect(() => resolveChaosOptions({ stateDir: '/x', durationMs: 5000, seed: 1.5 })).toThrow(/seed/);
  });
});
