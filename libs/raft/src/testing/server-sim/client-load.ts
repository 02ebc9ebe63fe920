import { createRng, type Rng } from '../../core/rng.js';
import type { ProposalResult, ServerSimCluster } from './server-sim-cluster.js';

export interface ClientLoad {
  /** Concurrent client loops, each waiting for its proposals before the next round. */
  readonly proposers: number;
  /** Proposals a client fires at once (1..burst), so that the runtime batches them. */
  readonly burst: number;
  /** Pause between a client's rounds: 0..pauseMaxMs. */
  readonly pauseMaxMs: number;
  /** A linearizable read at a random server every readEveryMs (0: none). */
  readonly readEveryMs: number;
}

/** Runs the clients until virtual time `until`. Every command is unique (`p<client>-<n>`). */
export async function runClients(
  c: ServerSimCluster,
  rng: Rng,
  until: number,
  load: ClientLoad,
): Promise<void> {
  const loops: Promise<void>[] = [];
  for (let p = 0; p < load.proposers; p++)
    loops.push(proposer(c, createRng(rng.int(2 ** 31)), p, until, load));
  if (load.readEveryMs > 0) loops.push(reader(c, createRng(rng.int(2 ** 31)), until, load.readEveryMs));
  await Promise.all(loops);
}

async function proposer(
  c: ServerSimCluster,
  rng: Rng,
  p: number,
  until: number,
  load: ClientLoad,
): Promise<void> {
  let n = 0;
  let previous = -1;
  while (c.now() < until) {
    const target = c.proposalTarget(rng, previous);
    if (target < 0) {
      await c.sleep(20);
      continue;
    }
    const round: Promise<ProposalResult>[] = [];
    for (let k = 1 + rng.int(load.burst); k > 0; k--) round.push(c.propose(target, `p${p}-${n++}`));
    const results = await Promise.all(round);
    // Back off after a refusal (no leader, overloaded), as a real client would.
    const refused = results.some((r) => r.outcome === 'failed' || r.outcome === 'not-sent');
    previous = refused ? -1 : target;
    await c.sleep(rng.int(load.pauseMaxMs + 1) + (refused ? 20 + rng.int(60) : 0));
  }
}

async function reader(c: ServerSimCluster, rng: Rng, until: number, everyMs: number): Promise<void> {
  while (c.now() < until) {
    await c.sleep(rng.int(2 * everyMs + 1));
    const up = c.upServers();
    if (up.length > 0) await c.read(up[rng.int(up.length)]);
  }
}
