import { waitFor } from '@flotilla/testing';
import { AckedWriters } from './support/acked-writers.js';
import { createRng, seedFromEnv } from './support/rng.js';
import { StoreCluster } from './support/store-cluster.js';
import { verifyAcked } from './support/verify-acked.js';

const PREFIX = 'acked/';
const ROUNDS = 2;
/** Acknowledged writes before each kill: enough to cross a few snapshots (--snapshot-count 100). */
const WRITES_PER_ROUND = 800;

describe('flotilla-store: nothing acknowledged is lost', () => {
  let cluster: StoreCluster | undefined;
  let writers: AckedWriters | undefined;
  afterEach(async () => {
    await writers?.stop();
    await cluster?.stop();
    writers = cluster = undefined;
  });

  it('after SIGKILL of all three members at once and a restart from their data dirs, twice, every acknowledged Put is there (value and mod_revision)', async () => {
    const seed = seedFromEnv();
    console.log(`seed ${seed}`);
    // A small snapshot count, so the restarts recover from snapshots plus the log after them.
    const c = (cluster = await StoreCluster.start({ size: 3, snapshotCount: 100 }));
    const names = c.all.map((m) => m.name);
    const w = (writers = new AckedWriters({
      endpoints: () => c.endpoints(),
      writers: 6,
      keysPerWriter: 25,
      prefix: PREFIX,
      callTimeoutMs: 3000,
      rng: createRng(seed),
    }));
    for (let round = 1; round <= ROUNDS; round++) {
      const target = w.acked.length + WRITES_PER_ROUND;
      await waitFor(() => w.acked.length >= target, {
        timeoutMs: 60_000,
        intervalMs: 20,
        what: `${WRITES_PER_ROUND} more acknowledged writes (round ${round})`,
      });
      const ackedBefore = w.acked.length;
      const killedAt = performance.now();
      // All three at once: the signals go out in the same turn of the event loop, under load.
      await Promise.all(names.map((n) => c.kill(n)));
      console.log(`round ${round}: killed all three with ${ackedBefore} writes acknowledged, Puts in flight`);
      await Promise.all(names.map((n) => c.restart(n, { wait: false })));
      await Promise.all(names.map((n) => c.waitReady(n)));
      const leader = await c.waitLeader();
      const backAt = performance.now();
      await waitFor(() => w.ackedSince(backAt) >= 50, {
        timeoutMs: 30_000,
        what: 'writes to be acknowledged again after the restart',
      });
      console.log(
        `round ${round}: ${leader.name} leads ${Math.round(backAt - killedAt)} ms after the kill; writes acknowledged again`,
      );
    }
    await w.stop();
    expect(w.acked.length).toBeGreaterThanOrEqual(ROUNDS * WRITES_PER_ROUND);
    // Every member, with linearizable reads, holds everything acknowledged.
    for (const m of c.all) {
      const check = await verifyAcked(m.rpc, w, PREFIX);
      console.log(
        `${m.name}: ${check.acked} acknowledged Puts on ${check.keys} keys found in the history up to revision ${check.revision}; ` +
          `${check.unacknowledgedApplied} keys hold a later Put whose acknowledgement was lost (${w.errors} Puts failed)`,
      );
      expect(check.problems.slice(0, 20)).toEqual([]);
    }
    expect(c.crashes).toEqual([]);
  }, 240_000);
});
