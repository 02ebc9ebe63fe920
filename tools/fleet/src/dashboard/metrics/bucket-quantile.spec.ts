import { addBuckets, bucketQuantile } from './bucket-quantile.js';

const buckets = (pairs: [number, number][]) => pairs.map(([le, count]) => ({ le, count }));

describe('bucketQuantile', () => {
  it('interpolates linearly inside the bucket the rank falls in', () => {
    // 100 calls: 50 up to 1 ms, 40 in (1 ms, 5 ms], 10 in (5 ms, 10 ms].
    const b = buckets([
      [0.001, 50],
      [0.005, 90],
      [0.01, 100],
      [Infinity, 100],
    ]);
    // Rank 99 is the 9th of the 10 calls in (5, 10] ms: 5 + 5 * 9/10.
    expect(bucketQuantile(0.99, b)).toBeCloseTo(0.0095, 10);
    // Rank 50 is the last of the first bucket, whose lower bound is 0.
    expect(bucketQuantile(0.5, b)).toBeCloseTo(0.001, 10);
    // Rank 70 is the 20th of 40 in (1, 5] ms.
    expect(bucketQuantile(0.7, b)).toBeCloseTo(0.003, 10);
  });

  it('skips empty buckets and does not care about their order', () => {
    const b = buckets([
      [Infinity, 4],
      [0.1, 4],
      [0.05, 0],
      [0.025, 0],
    ]);
    // All 4 calls in (50, 100] ms; rank 3.96 of 4.
    expect(bucketQuantile(0.99, b)).toBeCloseTo(0.05 + 0.05 * 0.99, 10);
  });

  it('answers the highest finite bound when the rank falls in the +Inf bucket', () => {
    expect(
      bucketQuantile(
        0.99,
        buckets([
          [0.5, 1],
          [10, 90],
          [Infinity, 100],
        ]),
      ),
    ).toBe(10);
  });

  it('is null without observations, and refuses a quantile outside 0..1', () => {
    expect(bucketQuantile(0.99, [])).toBeNull();
    expect(
      bucketQuantile(
        0.99,
        buckets([
          [0.1, 0],
          [Infinity, 0],
        ]),
      ),
    ).toBeNull();
    expect(() => bucketQuantile(99, [])).toThrow('quantile must be from 0 to 1, got 99');
  });
});

describe('addBuckets', () => {
  it('adds counts bound by bound, sorted by bound', () => {
    expect(
      addBuckets([
        buckets([
          [0.01, 1],
          [Infinity, 2],
        ]),
        buckets([
          [Infinity, 5],
          [0.01, 3],
        ]),
      ]),
    ).toEqual(
      buckets([
        [0.01, 4],
        [Infinity, 7],
      ]),
    );
  });
});
