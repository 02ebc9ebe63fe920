import type { RaftOptions } from '../core/options.js';
import { createRng, type Rng } from '../core/rng.js';
import { runClients, type ClientLoad } from '../testing/server-sim/client-load.js';
import type { DrainMode } from '../testing/server-sim/microtask-drain.js';
import { ServerSimCluster } from '../testing/server-sim/server-sim-cluster.js';
import type {
  CrashInjection,
  DiskProfile,
  ServerSimOptions,
  ServerSimStats,
  StateMachineProfile,
} from '../testing/server-sim/server-sim-types.js';

export type ServerSimProfile = 'disk-crash' | 'leader-crash' | 'partition' | 'slow-apply' | 'membership';

export interface ServerSimRunOptions {
  readonly seed: number;
  /** Virtual ms of faults and client load before the repair phase (default 5000). */
  readonly faultMs?: number;
  readonly drain?: DrainMode;
  /** Passed through to the cluster (e.g. `{ serverOptions: { forwarding: false } }`). */
  readonly cluster?: Partial<Omit<ServerSimOptions, 'seed'>>;
  /**
   * The client load during the fault phase (default: proposers and readers of the recorder's unique
   * commands, `runClients`). Must return by virtual time `until`, give or take its own time-outs.
   */
  readonly clients?: (c: ServerSimCluster, rng: Rng, until: number) => Promise<void>;
  readonly log?: (line: string) => void;
}

export interface ServerSimRunResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly profile: ServerSimProfile;
  /** Cluster shape and options, for replaying by hand. */
  readonly shape: string;
  readonly traceHash: string;
  readonly stats: ServerSimStats;
}

const PROFILES: readonly ServerSimProfile[] = [
  'disk-crash',
  'leader-crash',
  'partition',
  'slow-apply',
  'membership',
];

const DISKS: readonly DiskProfile[] = [
  { minMs: 0, maxMs: 1, stallChance: 0, stallMs: 0 },
  { minMs: 0, maxMs: 5, stallChance: 0.03, stallMs: 40 },
  { minMs: 2, maxMs: 15, stallChance: 0.05, stallMs: 120 },
];

/** Relative weights of the schedule's own actions, per step. */
interface FaultMix {
  readonly partition: number;
  readonly disconnect: number;
  readonly links: number;
  readonly crash: number;
  readonly stop: number;
  readonly membership: number;
  readonly transfer: number;
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)];
}

/**
 * One randomized run of real RaftServers. Each seed picks a profile, a cluster shape, core and
 * runtime options, disk and state machine speeds; clients propose (to the leader, or to anyone when
 * forwarding is on) and read throughout; faults run for `faultMs`; then everything is repaired and
 * the cluster must commit again, every member must catch up, and every answer clients got must
 * hold. Profiles:
 *  - `disk-crash`: servers crash while a write is in flight (torn `save`s keep a prefix);
 *  - `leader-crash`: most new leaders crash 0–15 ms after winning, mid catch-up;
 *  - `partition`: partitions, disconnects, lossy and long-reordering links;
 *  - `slow-apply`: the state machine answers apply/snapshot/restore late, snapshots are frequent,
 *    servers crash and stop gracefully;
 *  - `membership`: spare servers join as learners, get promoted, voters are removed, leadership moves.
 * Every profile also gets a little of the others.
 */
export async function runServerSim(opts: ServerSimRunOptions): Promise<ServerSimRunResult> {
  const rng = createRng(opts.seed * 0x9e3779b1 + 0x5e5);
  const profile = pick(rng, PROFILES);
  const servers = profile === 'membership' ? pick(rng, [4, 5]) : pick(rng, [3, 3, 5]);
  const voters = profile === 'membership' ? 3 : servers;
  const raft: Partial<Omit<RaftOptions, 'id'>> = {
    preVote: rng.next() < 0.6,
    checkQuorum: rng.next() < 0.6,
    maxEntriesPerMessage: pick(rng, [1, 2, 8, 64]),
    maxInflight: pick(rng, [1, 2, 8, 64]),
    electionTicks: pick(rng, [4, 6, 10]),
    snapshotChunkBytes: pick(rng, [64, 256, 4096]),
  };
  const slow = profile === 'slow-apply';
  const stateMachine: StateMachineProfile =
    slow || rng.next() < 0.25
      ? {
          asyncChance: slow ? 0.7 : 0.3,
          applyMaxMs: pick(rng, slow ? [5, 20, 60] : [2, 5]),
          snapshotMaxMs: pick(rng, slow ? [20, 100, 300] : [5, 20]),
          restoreMaxMs: pick(rng, [5, 50]),
        }
      : { asyncChance: 0, applyMaxMs: 0, snapshotMaxMs: 0, restoreMaxMs: 0 };
  const options: ServerSimOptions = {
    seed: opts.seed,
    servers,
    voters,
    raft,
    snapshotThreshold: pick(rng, slow ? [2, 4, 8] : [0, 5, 10, 30]),
    snapshotTrailing: pick(rng, [0, 2, 10]),
    // Long deadlines let proposals outlive a partition, so they are overwritten rather than timed out.
    proposalTimeoutMs: pick(rng, [1000, 3000, 15_000]),
    disk: pick(rng, DISKS),
    stateMachine,
    reliable: rng.next() < 0.6,
    drain: opts.drain,
    proposeTo: pick(rng, ['leader', 'any', 'sticky'] as const),
    ...opts.cluster,
  };
  const load: ClientLoad = {
    proposers: 1 + rng.int(4),
    burst: pick(rng, [1, 2, 5]),
    pauseMaxMs: pick(rng, [5, 30, 100]),
    readEveryMs: pick(rng, [0, 100, 400]),
  };
  const shape = `${profile} ${JSON.stringify({ ...options, seed: undefined })} load=${opts.clients ? 'custom' : JSON.stringify(load)}`;
  const log = opts.log ?? (() => undefined);
  log(shape);
  const c = new ServerSimCluster(options);
  const result = (ok: boolean, error?: string): ServerSimRunResult => ({
    seed: opts.seed,
    ok,
    error,
    profile,
    shape,
    traceHash: c.traceHash(),
    stats: c.stats(),
  });
  try {
    await c.run(async () => {
      const until = c.now() + (opts.faultMs ?? 5000);
      await Promise.all([
        opts.clients
          ? opts.clients(c, createRng(rng.int(2 ** 31)), until)
          : runClients(c, createRng(rng.int(2 ** 31)), until, load),
        runFaults(
          c,
          createRng(rng.int(2 ** 31)),
          profile,
          until,
          (raft.electionTicks ?? 10) * (options.tickMs ?? 100),
          log,
        ),
      ]);
      log(`t=${c.now()} repair`);
      const index = await c.repairAndVerify();
      log(`t=${c.now()} final command committed at index ${index}; ${c.describe()}`);
    });
    return result(true);
  } catch (e) {
    log(`t=${c.now()} ${c.describe()}`);
    return result(false, e instanceof Error ? e.message : String(e));
  }
}

function crashInjection(profile: ServerSimProfile, rng: Rng): CrashInjection | null {
  switch (profile) {
    case 'disk-crash':
      return {
        writeCrashChance: pick(rng, [0.01, 0.03, 0.08]),
        ackCrashChance: pick(rng, [0, 0.01, 0.05]),
        tornWriteChance: 0.7,
        restartMinMs: 5,
        restartMaxMs: pick(rng, [100, 500]),
      };
    case 'leader-crash':
      return {
        leaderCrashChance: 0.5 + 0.4 * rng.next(),
        leaderCrashMaxDelayMs: pick(rng, [3, 8, 15]),
        writeCrashChance: 0.005,
        ackCrashChance: pick(rng, [0, 0.02]),
        tornWriteChance: 0.5,
        restartMinMs: 20,
        restartMaxMs: pick(rng, [300, 1000]),
      };
    case 'slow-apply':
      return { writeCrashChance: 0.01, tornWriteChance: 0.5, restartMinMs: 10, restartMaxMs: 300 };
    default:
      return null;
  }
}

function faultMix(profile: ServerSimProfile): FaultMix {
  switch (profile) {
    case 'partition':
      return { partition: 4, disconnect: 4, links: 4, crash: 1, stop: 0, membership: 0, transfer: 1 };
    case 'membership':
      return { partition: 1, disconnect: 1, links: 1, crash: 1, stop: 1, membership: 8, transfer: 2 };
    case 'slow-apply':
      return { partition: 1, disconnect: 1, links: 1, crash: 3, stop: 3, membership: 0, transfer: 1 };
    default:
      return { partition: 1, disconnect: 1, links: 2, crash: 2, stop: 1, membership: 0, transfer: 1 };
  }
}

async function runFaults(
  c: ServerSimCluster,
  rng: Rng,
  profile: ServerSimProfile,
  until: number,
  electionMs: number,
  log: (line: string) => void,
): Promise<void> {
  const injection = crashInjection(profile, rng);
  if (injection) {
    c.setCrashInjection(injection);
    log(`inject ${JSON.stringify(injection)}`);
  }
  const mix = faultMix(profile);
  const kinds = Object.keys(mix) as (keyof FaultMix)[];
  const total = kinds.reduce((n, k) => n + mix[k], 0);
  /** Servers the schedule took down, and when to bring them back. */
  const restartAt = new Map<number, number>();
  while (c.now() < until) {
    // Faults come every 0.2-1.2 election timeouts: dense enough to hit elections, sparse enough to let some finish.
    await c.sleep(Math.round(electionMs * (0.2 + rng.next())));
    for (const [i, at] of restartAt) {
      if (c.now() < at) continue;
      restartAt.delete(i);
      c.boot(i);
      log(`t=${c.now()} boot s${i}`);
    }
    let r = rng.int(total);
    const kind = kinds.find((k) => (r -= mix[k]) < 0) ?? 'links';
    const line = await act(c, rng, kind, restartAt, electionMs, log);
    if (line) log(`t=${c.now()} ${line}`);
  }
  c.setCrashInjection(null);
}

async function act(
  c: ServerSimCluster,
  rng: Rng,
  kind: keyof FaultMix,
  restartAt: Map<number, number>,
  electionMs: number,
  log: (line: string) => void,
): Promise<string | null> {
  const n = c.n;
  const i = rng.int(n);
  // Membership changes and transfers can take seconds; they run beside the next faults.
  const background = (op: Promise<string>): string => {
    void op.then((line) => log(`t=${c.now()} ${line}`));
    return `${kind} started`;
  };
  switch (kind) {
    case 'partition': {
      if (rng.next() < 0.4) {
        c.heal();
        return 'heal';
      }
      const groups: number[][] = [[], []];
      for (let k = 0; k < n; k++) groups[rng.int(2)].push(k);
      c.partition(groups);
      return `partition ${JSON.stringify(groups)}`;
    }
    case 'disconnect': {
      if (rng.next() < 0.5) {
        c.connect(i);
        return `connect s${i}`;
      }
      // Often the leader: it keeps taking proposals that the next leader overwrites.
      const target = rng.next() < 0.5 && c.leader() >= 0 ? c.leader() : i;
      c.disconnect(target);
      return `disconnect s${target}`;
    }
    case 'links': {
      const on = rng.next() < 0.5;
      if (rng.next() < 0.7) {
        c.setReliable(on);
        return `reliable ${on}`;
      }
      c.setLongReordering(on);
      return `long-reordering ${on}`;
    }
    case 'crash':
    case 'stop': {
      const target = rng.next() < 0.3 && c.leader() >= 0 ? c.leader() : i;
      // The schedule keeps a majority up; injected crashes may take one more down briefly.
      if (!c.isUp(target) || c.downCount() >= Math.floor((n - 1) / 2)) return null;
      if (kind === 'crash') c.crash(target);
      else {
        const outcome = await c.stop(target);
        if (outcome !== 'stopped') return `stop s${target}: ${outcome}`;
      }
      restartAt.set(target, c.now() + 10 + rng.int(electionMs));
      return `${kind} s${target}`;
    }
    case 'membership': {
      const members = c.members();
      if (members.length === 0) return null;
      const st = c.status(c.leader());
      const learners = new Set(st?.membership.learners ?? []);
      const voters = st?.membership.voters ?? [];
      const outsiders = Array.from({ length: n }, (_, k) => k).filter((k) => !members.includes(k));
      const r = rng.next();
      if (outsiders.length > 0 && r < 0.35)
        return background(c.reconfigure('add-learner', pick(rng, outsiders)));
      if (learners.size > 0 && r < 0.65)
        return background(c.reconfigure('promote', Number(pick(rng, [...learners]).slice(1))));
      // Keep three voters: fewer makes the run uninteresting, not unsafe.
      if (voters.length > 3 || (learners.size > 0 && rng.next() < 0.5)) {
        const target = pick(rng, voters.length > 3 ? voters : [...learners]);
        return background(c.reconfigure('remove', Number(target.slice(1))));
      }
      return null;
    }
    case 'transfer':
      return background(c.reconfigure('transfer', i));
  }
}
