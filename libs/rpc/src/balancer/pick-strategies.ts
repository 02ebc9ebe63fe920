import type { EndpointState } from './endpoint-state.js';

/** Chooses one of the candidates (never empty). Each LB policy instance owns one strategy. */
function at(list: readonly EndpointState[], index: number): EndpointState {
  const item = list[index];
  if (item === undefined) throw new Error(`pick strategy: no candidate at ${index} of ${list.length}`);
  return item;
}

export interface PickStrategy {
  choose(candidates: readonly EndpointState[], now: number): EndpointState;
}

/**
 * Power of two choices: two distinct random candidates, the cheaper wins. Cost is EWMA latency x
 * (in-flight + 1) x error penalty (see EndpointState.cost), as in go-zero and Finagle.
 */
export class P2cEwmaStrategy implements PickStrategy {
  constructor(private readonly random: () => number = Math.random) {}

  choose(candidates: readonly EndpointState[], now: number): EndpointState {
    const n = candidates.length;
    if (n === 1) return at(candidates, 0);
    const i = Math.floor(this.random() * n);
    let j = Math.floor(this.random() * (n - 1));
    if (j >= i) j += 1;
    const a = at(candidates, i);
    const b = at(candidates, j);
    return b.cost(now) < a.cost(now) ? b : a;
  }
}

export class RoundRobinStrategy implements PickStrategy {
  private next = Math.floor(Math.random() * 1024);

  choose(candidates: readonly EndpointState[]): EndpointState {
    this.next = (this.next + 1) % 1_000_000_007;
    return at(candidates, this.next % candidates.length);
  }
}

/**
 * Smooth weighted round robin (as nginx): over any run of picks, each candidate gets its share of
 * `weight` (from the registry metadata), evenly interleaved rather than in bursts.
 */
export class WeightedStrategy implements PickStrategy {
  private readonly current = new Map<string, number>();

  choose(candidates: readonly EndpointState[]): EndpointState {
    let total = 0;
    let best: EndpointState = at(candidates, 0);
    let bestWeight = -Infinity;
    for (const candidate of candidates) {
      const weight = (this.current.get(candidate.address) ?? 0) + candidate.weight;
      this.current.set(candidate.address, weight);
      total += candidate.weight;
      if (weight > bestWeight) {
        bestWeight = weight;
        best = candidate;
      }
    }
    this.current.set(best.address, bestWeight - total);
    return best;
  }
}
