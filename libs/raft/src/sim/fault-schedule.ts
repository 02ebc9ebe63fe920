import { createRng, type Rng } from '../core/rng.js';
import { createSimCluster } from '../testing/sim-cluster.js';
import type { SimClusterExt } from '../testing/sim-types.js';

export interface SimRunOptions {
  readonly seed: number;
  readonly steps: number;
  readonly log?: (line: string) => void;
}

export type SimProfile = 'mixed' | 'leader-crash' | 'churn';

export interface SimRunResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly profile: SimProfile;
  /** Short description of the cluster shape and core options, for replaying by hand. */
  readonly shape: string;
  readonly virtualMs: number;
  readonly events: number;
  readonly committed: number;
}

const PROFILES: readonly SimProfile[] = ['mixed', 'mixed', 'leader-crash', 'leader-crash', 'churn'];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)];
}

/**
 * One randomized run. Each seed picks a cluster shape (3, 5 or 7 servers, maybe some non-voters),
 * core options (PreVote, CheckQuorum, tiny or large AppendEntries batches and inflight windows —
 * one entry per message lets a follower hold an old-term entry without the new leader's no-op,
 * which Figure-8 style bugs need) and a schedule profile:
 *  - `mixed`: partitions, crashes, restarts, unreliable/reordering links, membership changes and
 *    leadership transfers at 50–800 ms intervals;
 *  - `leader-crash`: the lab's Figure 8 loop — propose, wait 0–13 ms (sometimes longer), crash the
 *    leader right after partial replication, restart others to keep elections possible;
 *  - `churn`: crash and restart any server every 0–300 ms, and voters right after they voted, so
 *    votes and acks race with crashes.
 * Client commands flow throughout. Safety invariants are checked on every step by the harness;
 * at the end the faults are repaired and the cluster must make progress again.
 */
export async function runRandomSim(opts: SimRunOptions): Promise<SimRunResult> {
  const rng = createRng(opts.seed * 2654435761);
  const profile = pick(rng, PROFILES);
  const servers = pick(rng, [3, 3, 5, 5, 5, 7]);
  const voters = profile === 'mixed' && rng.next() < 0.3 ? servers - 1 : servers;
  const raft = {
    preVote: rng.next() < 0.6,
    checkQuorum: rng.next() < 0.6,
    maxEntriesPerMessage: pick(rng, [1, 1, 2, 3, 64]),
    maxInflight: pick(rng, [1, 2, 4, 64]),
    // Short election timeouts (300–600 ms) give crash-heavy profiles many more terms per run.
    electionTicks: profile === 'mixed' ? 10 : pick(rng, [3, 5, 10]),
  };
  const snapshot = rng.next() < 0.4;
  const reliable = rng.next() < 0.5;
  const shape = `${profile} servers=${servers} voters=${voters} snapshot=${snapshot} reliable=${reliable} ${JSON.stringify(raft)}`;
  const c = createSimCluster({ servers, voters, seed: opts.seed, snapshot, reliable, raft });
  const crashed = new Set<number>();
  const log = opts.log ?? (() => undefined);
  log(shape);
  const result = (ok: boolean, committed: number, error?: string): SimRunResult => ({
    seed: opts.seed,
    ok,
    error,
    profile,
    shape,
    virtualMs: c.now(),
    events: c.eventCount(),
    committed,
  });
  try {
    if (profile === 'mixed') await runMixed(c, rng, opts, crashed, log);
    else if (profile === 'leader-crash') await runLeaderCrash(c, rng, opts, crashed, log);
    else await runChurn(c, rng, opts, crashed, log);
    // Repair everything; the cluster must make progress again.
    c.heal();
    c.setReliable(true);
    c.setLongReordering(false);
    for (let i = 0; i < c.n; i++) if (!c.isAlive(i)) c.restart(i);
    crashed.clear();
    const leader = await c.checkOneLeader();
    const voterCount = c.status(leader)?.membership.voters.length ?? servers;
    const index = await c.one(`final-${opts.seed}`, Math.floor(voterCount / 2) + 1, true);
    await c.cleanup();
    return result(true, index);
  } catch (e) {
    for (let i = 0; i < c.n; i++) {
      const st = c.status(i);
      const peers = st?.peers.map((p) => `${p.id}:${p.match}/${p.next}/${p.state}`).join(' ') ?? '';
      log(
        st
          ? `s${i} ${st.role} term=${st.term} vote=${st.vote} leader=${st.leader} commit=${st.commitIndex} applied=${st.appliedIndex} last=${st.lastIndex} voters=${st.membership.voters.join(',')} ${peers}`
          : `s${i} down`,
      );
    }
    return result(false, 0, e instanceof Error ? e.message : String(e));
  }
}

type Log = (line: string) => void;

async function runMixed(
  c: SimClusterExt,
  rng: Rng,
  opts: SimRunOptions,
  crashed: Set<number>,
  log: Log,
): Promise<void> {
  let cmd = 0;
  for (let step = 0; step < opts.steps; step++) {
    const action = pickAction(rng, c, crashed);
    log(`t=${c.now()} ${action}`);
    for (let k = rng.int(6); k > 0; k--) {
      const command = `c${opts.seed}-${cmd++}`;
      for (let i = 0; i < c.n; i++) if (c.start(i, command).index > 0) break;
    }
    await c.sleep(50 + rng.int(750));
  }
}

/**
 * Figure 8 style: the harness crashes most new leaders 0–15 ms after they win — while they are
 * still catching followers up — and restarts them later; the client keeps proposing meanwhile.
 * The lab's own loop (crash whoever led at the last poll) rarely hits that window.
 */
async function runLeaderCrash(
  c: SimClusterExt,
  rng: Rng,
  opts: SimRunOptions,
  _crashed: Set<number>,
  log: Log,
): Promise<void> {
  const schedule = {
    probability: 0.5 + rng.next() * 0.4,
    maxDelayMs: pick(rng, [3, 8, 15]),
    minRestartMs: 20,
    maxRestartMs: pick(rng, [300, 1000, 2500]),
  };
  log(`leader crashes ${JSON.stringify(schedule)}`);
  c.setLeaderCrashes(schedule);
  let cmd = 0;
  const end = c.now() + opts.steps * 250;
  while (c.now() < end) {
    for (let k = 1 + rng.int(2); k > 0; k--) {
      const command = `c${opts.seed}-${cmd++}`;
      for (let i = 0; i < c.n; i++) if (c.start(i, command).index > 0) break;
    }
    await c.sleep(2 + rng.int(60));
  }
  c.setLeaderCrashes(null);
}

/**
 * Any server may crash at any moment, including voters in the middle of an election; the harness
 * also crashes voters just after they granted a vote and restarts them quickly, so that a vote
 * that was not durable shows up as two leaders in one term.
 */
async function runChurn(
  c: SimClusterExt,
  rng: Rng,
  opts: SimRunOptions,
  crashed: Set<number>,
  log: Log,
): Promise<void> {
  const schedule = {
    probability: 0.3,
    maxDelayMs: 15,
    minRestartMs: 5,
    maxRestartMs: 60,
    voterProbability: 0.5,
  };
  log(`harness crashes ${JSON.stringify(schedule)}`);
  c.setLeaderCrashes(schedule);
  let cmd = 0;
  for (let iter = 0; iter < opts.steps * 3; iter++) {
    const i = rng.int(c.n);
    if (crashed.has(i)) {
      c.restart(i);
      crashed.delete(i);
      log(`t=${c.now()} restart ${i}`);
    } else if (crashed.size < c.n - 1) {
      c.crash(i);
      crashed.add(i);
      log(`t=${c.now()} crash ${i}`);
    }
    for (let k = rng.int(3); k > 0; k--) {
      const command = `c${opts.seed}-${cmd++}`;
      for (let j = 0; j < c.n; j++) if (c.start(j, command).index > 0) break;
    }
    await c.sleep(rng.int(300));
  }
  c.setLeaderCrashes(null);
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
