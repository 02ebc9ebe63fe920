import { createRng, type Rng } from '../core/rng.js';
import { createSimCluster } from '../testing/sim-cluster.js';
import type { SimClusterExt } from '../testing/sim-types.js';

export interface SimRunOptions {
  readonly seed: number;
  readonly steps: number;
  readonly log?: (line: string) => void;
}

export interface SimRunResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly virtualMs: number;
  readonly events: number;
  readonly committed: number;
}

/**
 * One randomized run: a random cluster shape and a random schedule of partitions, crashes,
 * restarts, unreliable/reordering links, membership changes and leadership transfers, with
 * client commands throughout. Safety invariants are checked on every step by the harness;
 * at the end the faults are repaired and the cluster must make progress again.
 */
export async function runRandomSim(opts: SimRunOptions): Promise<SimRunResult> {
  const rng = createRng(opts.seed * 2654435761);
  const servers = 3 + 2 * rng.int(2);
  const voters = rng.next() < 0.3 ? servers - 1 : servers;
  const c = createSimCluster({
    servers,
    voters,
    seed: opts.seed,
    snapshot: rng.next() < 0.5,
    reliable: rng.next() < 0.5,
  });
  const crashed = new Set<number>();
  let cmd = 0;
  const log = opts.log ?? (() => undefined);
  try {
    for (let step = 0; step < opts.steps; step++) {
      const action = pickAction(rng, c, crashed);
      log(`t=${c.now()} ${action}`);
      for (let k = rng.int(6); k > 0; k--) {
        const command = `c${opts.seed}-${cmd++}`;
        for (let i = 0; i < servers; i++) if (c.start(i, command).index > 0) break;
      }
      await c.sleep(50 + rng.int(750));
    }
    // Repair everything; the cluster must make progress again.
    c.heal();
    c.setReliable(true);
    c.setLongReordering(false);
    for (const i of crashed) c.restart(i);
    crashed.clear();
    const leader = await c.checkOneLeader();
    const voterCount = c.status(leader)?.membership.voters.length ?? servers;
    const index = await c.one(`final-${opts.seed}`, Math.floor(voterCount / 2) + 1, true);
    await c.cleanup();
    return { seed: opts.seed, ok: true, virtualMs: c.now(), events: c.eventCount(), committed: index };
  } catch (e) {
    return {
      seed: opts.seed,
      ok: false,
      error: e instanceof Error ? e.message : String(e),
      virtualMs: c.now(),
      events: c.eventCount(),
      committed: 0,
    };
  }
}

function leaderOf(c: SimClusterExt): number {
  for (let i = 0; i < c.n; i++) if (c.isAlive(i) && c.getState(i).isLeader) return i;
  return -1;
}

function pickAction(rng: Rng, c: SimClusterExt, crashed: Set<number>): string {
  const n = c.n;
  const i = rng.int(n);
  const r = rng.int(100);
  if (r < 15) {
    c.disconnect(i);
    return `disconnect ${i}`;
  }
  if (r < 30) {
    c.connect(i);
    return `connect ${i}`;
  }
  if (r < 38) {
    const groups: number[][] = [[], []];
    for (let k = 0; k < n; k++) groups[rng.int(2)].push(k);
    c.partition(groups);
    return `partition ${JSON.stringify(groups)}`;
  }
  if (r < 46) {
    c.heal();
    return 'heal';
  }
  if (r < 54 && crashed.size < Math.floor((n - 1) / 2)) {
    c.crash(i);
    crashed.add(i);
    return `crash ${i}`;
  }
  if (r < 64 && crashed.size > 0) {
    const j = [...crashed][rng.int(crashed.size)];
    c.restart(j);
    crashed.delete(j);
    return `restart ${j}`;
  }
  if (r < 70) {
    const on = rng.next() < 0.5;
    c.setReliable(on);
    return `reliable ${on}`;
  }
  if (r < 73) {
    const on = rng.next() < 0.3;
    c.setLongReordering(on);
    return `long-reordering ${on}`;
  }
  const leader = leaderOf(c);
  if (leader < 0) return 'noop (no leader)';
  if (r < 82) {
    const ok = c.transferLeadership(leader, i);
    return `transfer ${leader}->${i} ${ok}`;
  }
  if (r < 88) {
    const ok = c.addVoter(leader, i);
    return `add-voter ${i} via ${leader} ${ok}`;
  }
  if (r < 92) {
    const ok = c.addLearner(leader, i);
    return `add-learner ${i} via ${leader} ${ok}`;
  }
  const st = c.status(leader);
  // Keep at least three voters so that the run stays interesting.
  if (st && st.membership.voters.length > 3) {
    const ok = c.removeServer(leader, i);
    return `remove ${i} via ${leader} ${ok}`;
  }
  return 'noop';
}
