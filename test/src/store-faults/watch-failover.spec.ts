import { waitFor } from '@flotilla/testing';
import { AckedWriters } from './support/acked-writers.js';
import { ResumingWatcher } from './support/resuming-watcher.js';
import { createRng, seedFromEnv } from './support/rng.js';
import { StoreCluster } from './support/store-cluster.js';
import { readHistory, verifyAcked } from './support/verify-acked.js';

const PREFIX = 'watched/';
const LEADER_KILLS = 4;

describe('flotilla-store: watches across leader kills', () => {
  let cluster: StoreCluster | undefined;
  let writers: AckedWriters | undefined;
  const watchers: ResumingWatcher[] = [];
  afterEach(async () => {
    for (const w of watchers.splice(0)) w.close();
    await writers?.stop();
    await cluster?.stop();
    writers = cluster = undefined;
  });

  it('watchers that resume from their last revision + 1 on another member see every revision exactly once, in order', async () => {
    const seed = seedFromEnv();
    console.log(`seed ${seed}`);
    const c = (cluster = await StoreCluster.start({ size: 3 }));
    const start = ((await c.all[0]!.rpc.range({ key: Buffer.from('none') })).header?.revision ?? 0) + 1;
    // One watcher starts on each member; when its member dies it moves on to the next one. One
    // more always (re)connects to the leader, so every leader kill breaks its stream.
    const inTurn = (first: number) => (attempt: number) => {
      const eps = c.endpoints();
      return eps[(first + attempt) % eps.length] as string;
    };
    for (let i = 0; i < 3; i++) watchers.push(new ResumingWatcher(`watcher ${i}`, inTurn(i), PREFIX, start));
    const onLeader = new ResumingWatcher(
      'leader watcher',
      async () => (await c.waitLeader()).endpoint,
      PREFIX,
      start,
    );
    watchers.push(onLeader);
    const w = (writers = new AckedWriters({
      endpoints: () => c.endpoints(),
      writers: 3,
      keysPerWriter: 10,
      prefix: PREFIX,
      callTimeoutMs: 3000,
      rng: createRng(seed),
    }));
    const failovers: number[] = [];
    for (let k = 1; k <= LEADER_KILLS; k++) {
      const before = w.acked.length;
      await waitFor(() => w.acked.length >= before + 150, {
        timeoutMs: 30_000,
        what: `150 more acknowledged writes before leader kill ${k}`,
      });
      const leader = await c.waitLeader();
      const at = performance.now();
      await c.kill(leader.name);
      const next = await c.waitLeader({ not: leader.name });
      failovers.push(Math.round(performance.now() - at));
      await c.restart(leader.name);
      console.log(
        `kill ${k}: killed leader ${leader.name} at ${w.acked.length} acknowledged writes; ${next.name} led after ${failovers.at(-1)} ms; ${leader.name} back`,
      );
    }
    const healedAt = performance.now();
    await waitFor(() => w.ackedSince(healedAt) >= 100, {
      timeoutMs: 30_000,
      what: 'writes acknowledged after the last restart',
    });
    await w.stop();

    const member = c.all[0]!;
    const check = await verifyAcked(member.rpc, w, PREFIX);
    expect(check.problems.slice(0, 20)).toEqual([]);
    const last = Math.max(...w.acked.map((a) => a.revision), check.revision);
    const truth = await readHistory(member.rpc, PREFIX, start, last);
    await waitFor(() => watchers.every((x) => x.lastRevision >= last || x.error), {
      timeoutMs: 30_000,
      what: `every watcher to reach revision ${last} (${watchers.map((x) => `${x.name} at ${x.lastRevision}`).join(', ')})`,
    });
    console.log(
      `${w.acked.length} acknowledged writes, history of ${truth.length} events (revisions ${start}..${last}); failovers ${failovers.join(', ')} ms; ` +
        watchers.map((x) => `${x.name}: ${x.events.length} events, ${x.reconnects} reconnects`).join('; '),
    );
    const show = (e: { revision: number; key: string; value: string; type: string }) =>
      `${e.revision} ${e.type} ${e.key}=${e.value}`;
    for (const x of watchers) {
      expect(x.error).toBeNull();
      expect(x.violations.slice(0, 10), `${x.name}: out of order or repeated`).toEqual([]);
      expect(x.events.map(show), `${x.name} saw exactly the history`).toEqual(truth.map(show));
    }
    expect(onLeader.reconnects).toBeGreaterThanOrEqual(LEADER_KILLS);
    expect(c.crashes).toEqual([]);
  }, 240_000);

  it('a watcher that resumes on a member still catching up (restarted after missing writes, with snapshots) sees each revision once', async () => {
    const seed = seedFromEnv();
    // A small snapshot count: the restarted member is sent a snapshot, which re-syncs its watchers.
    const c = (cluster = await StoreCluster.start({ size: 3, snapshotCount: 200 }));
    const start = ((await c.all[0]!.rpc.range({ key: Buffer.from('none') })).header?.revision ?? 0) + 1;
    const w = (writers = new AckedWriters({
      endpoints: () => c.endpoints(),
      writers: 3,
      keysPerWriter: 10,
      prefix: PREFIX,
      callTimeoutMs: 3000,
      rng: createRng(seed),
    }));
    const leader = await c.waitLeader();
    const lagging = c.all.find((m) => m.name !== leader.name)!;
    let moveTo: string | null = null;
    const watcher = new ResumingWatcher('watcher', () => moveTo ?? leader.endpoint, PREFIX, start);
    watchers.push(watcher);
    await c.kill(lagging.name);
    const killedAt = w.acked.length;
    await waitFor(() => w.acked.length >= killedAt + 600, {
      timeoutMs: 60_000,
      what: `600 acknowledged writes while ${lagging.name} is down`,
    });
    const seenBefore = (): number => watcher.lastRevision;
    await waitFor(() => seenBefore() >= Math.max(...w.acked.map((a) => a.revision)), {
      timeoutMs: 30_000,
      what: 'the watcher on the leader to catch up with the writes',
    });
    await c.restart(lagging.name, { wait: false });
    // As soon as it answers at all, the watcher resumes there: from a revision it has not reached.
    const status = await waitFor(() => lagging.rpc.status(500), {
      timeoutMs: 30_000,
      intervalMs: 10,
      what: `${lagging.name} to answer`,
    });
    const resumeFrom = watcher.lastRevision + 1;
    moveTo = lagging.endpoint;
    watcher.breakStream();
    console.log(
      `resumed on ${lagging.name} from revision ${resumeFrom} while it was at revision ${status.header?.revision} (applied index ${status.raftAppliedIndex})`,
    );
    await c.waitReady(lagging.name);
    const resumedAt = performance.now();
    await waitFor(() => w.ackedSince(resumedAt) >= 100, {
      timeoutMs: 30_000,
      what: 'writes after the resume',
    });
    await w.stop();
    const check = await verifyAcked(leader.rpc, w, PREFIX);
    expect(check.problems.slice(0, 20)).toEqual([]);
    const last = Math.max(...w.acked.map((a) => a.revision), check.revision);
    const truth = await readHistory(leader.rpc, PREFIX, start, last);
    await waitFor(() => watcher.lastRevision >= last || watcher.error, {
      timeoutMs: 30_000,
      what: `the watcher to reach revision ${last} (at ${watcher.lastRevision})`,
    });
    const show = (e: { revision: number; key: string; value: string; type: string }) =>
      `${e.revision} ${e.type} ${e.key}=${e.value}`;
    console.log(
      `${truth.length} events; the watcher saw ${watcher.events.length} with ${watcher.reconnects} reconnects`,
    );
    expect(watcher.error).toBeNull();
    expect(watcher.violations.slice(0, 10)).toEqual([]);
    expect(watcher.events.map(show)).toEqual(truth.map(show));
    expect(c.crashes).toEqual([]);
  }, 240_000);
});
