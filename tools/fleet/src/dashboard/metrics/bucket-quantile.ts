/** A histogram bucket as Prometheus writes it: how many observations were <= `le` (cumulative). */
export interface Bucket {
  le: number;
  count: number;
}

/**
 * The `q` quantile (0.99 for p99) of the observations counted in cumulative `buckets`, the way
 * Prometheus's histogram_quantile estimates it: find the bucket the q-th observation falls in and
 * interpolate linearly between its lower and upper bound, assuming the observations spread evenly
 * inside it (the first bucket's lower bound is 0). When it falls in the +Inf bucket, the answer is
 * the highest finite bound, since nothing is known above it. null without observations.
 */
export function bucketQuantile(q: number, buckets: readonly Bucket[]): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be from 0 to 1, got ${q}`);
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank && bucket.count > below) {
      if (bucket.le === Infinity) return lower;
      return lower + ((bucket.le - lower) * (rank - below)) / (bucket.count - below);
    }
    lower = bucket.le;
    below = bucket.count;
  }
  return lower === Infinity ? null : lower;
}

/** Adds up buckets by bound (several instances, or several polls of one). */
export function addBuckets(lists: readonly (readonly Bucket[])[]): Bucket[] {
  const byBound = new Map<number, number>();
  for (const list of lists) for (const b of list) byBound.set(b.le, (byBound.get(b.le) ?? 0) + b.count);
  return [...byBound].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}
