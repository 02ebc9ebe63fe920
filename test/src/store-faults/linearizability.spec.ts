import { checkLinearizable, registerModel, waitFor } from '@flotilla/testing';
import { singleShotClient } from './support/etcd-clients.js';
import { Nemesis } from './support/nemesis.js';
import { RegisterWorkload, type RegisterOp } from './support/register-workload.js';
import { createRng, seedFromEnv } from './support/rng.js';
import { StoreCluster } from './support/store-cluster.js';

/** The load runs at least this long, and until the nemesis has injected MIN_FAULTS faults. */
const MIN_LOAD_MS = 20_000;
const MIN_FAULTS = 6;
/** Bound: a cluster that cannot heal six faults in this long fails the test. */
const MAX_LOAD_MS = 120_000;
const CLIENTS = 8;
const KEYS = Array.from({ length: 10 }, (_, i) => `lin/k${i}`);
/** A dead cluster answers nothing; a working one, even on this loaded machine, hundreds. */
const MIN_OK = 400;

describe('flotilla-store under a nemesis: linearizable', () => {
  let cluster: StoreCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('histories of concurrent etcd3 clients (Range, Put, Txn cas) pass the checker while members are killed, paused and restarted', async () => {
    const seed = seedFromEnv();
    console.log(`seed ${seed} (replay the nemesis schedule with FAULTS_SEED=${seed})`);
    cluster = await StoreCluster.start({ size: 3 });
    const endpoints = cluster.endpoints();
    const termBefore = await cluster.term();
    const workload = new RegisterWorkload({
      endpoints,
      clients: CLIENTS,
      keys: KEYS,
      callTimeoutMs: 3000,
      rng: createRng(seed ^ 0x5bd1e995),
    });
    const nemesis = new Nemesis(cluster, {
      rng: createRng(seed),
      faults: ['kill-leader', 'pause-leader', 'pause-follower', 'restart-follower'],
      holdMs: [200, 2000],
      gapMs: [500, 1500],
    });
    let events;
    try {
      const t0 = performance.now();
      await Promise.race([
        waitFor(() => performance.now() - t0 >= MIN_LOAD_MS && nemesis.events.length >= MIN_FAULTS, {
          timeoutMs: MAX_LOAD_MS,
          intervalMs: 100,
          what: `${MIN_FAULTS} faults injected and healed`,
        }),
        nemesis.finished,
      ]);
      events = await nemesis.stop();
    } finally {
      await nemesis.stop().catch(() => undefined);
      await workload.stop();
    }
    // Healed: one more read of every key must succeed, and joins the history.
    const history: RegisterOp[] = [...workload.history];
    const reader = singleShotClient(endpoints, 10_000);
    try {
      for (const key of KEYS) {
        const calledAt = performance.now();
        const output = await reader.get(key).string();
        history.push({
          clientId: CLIENTS,
          key,
          input: { op: 'read' },
          output,
          calledAt,
          returnedAt: performance.now(),
        });
      }
    } finally {
      reader.close();
    }
    expect(cluster.crashes).toEqual([]);
    const elections = (await cluster.term()) - termBefore;
    await cluster.stop();

    const s = workload.stats;
    const byOp = (op: string) => history.filter((o) => o.input.op === op && o.returnedAt !== Infinity).length;
    console.log(
      `${history.length} operations checked: ${s.ok} ok (${byOp('read')} reads, ${byOp('write')} writes, ${byOp('cas')} cas, ` +
        `${history.filter((o) => o.input.op === 'cas' && o.output === true).length} cas swapped), ${s.unknown} unknown outcome, ` +
        `${s.failedReads} failed reads dropped, ${s.notSent} never sent; ok/s ${Array.from(s.okPerSecond, (n) => n ?? 0).join(' ')}`,
    );
    console.log(`errors: ${[...s.errors].map(([e, n]) => `${n}x ${e}`).join('; ')}`);
    console.log(
      `nemesis: ${events.length} events; failovers (ms): ${events
        .filter((e) => e.failoverMs !== undefined)
        .map((e) => `${e.fault} ${e.failoverMs}`)
        .join(', ')}; ${elections} elections in all`,
    );
    expect(events.length).toBeGreaterThanOrEqual(MIN_FAULTS);
    expect(s.ok).toBeGreaterThanOrEqual(MIN_OK);

    const started = performance.now();
    const result = checkLinearizable(history, registerModel);
    console.log(`checked in ${Math.round(performance.now() - started)} ms: ${result.verdict}`);
    const bad = result.partitions.filter((p) => p.verdict !== 'ok');
    for (const p of bad)
      console.log(`key ${p.key}: ${p.verdict} (${p.operations} ops)\n${brief(p.explanation)}`);
    expect(bad.map((p) => `${p.key}: ${p.verdict}`)).toEqual([]);
    expect(result.verdict).toBe('ok');
  }, 180_000);
});

/** The checker's explanation, cut to what locates the anomaly: where the search got stuck. */
function brief(explanation = ''): string {
  const [done = '', rest = ''] = explanation.split('; cannot place: ');
  const head = done.slice(0, done.indexOf(': ') + 1);
  const placed = done.slice(head.length).split('; ');
  const left = rest.split('; ');
  return (
    `${head} ... the last ${Math.min(10, placed.length)}: ${placed.slice(-10).join('; ')}\n` +
    `cannot place (${left.length}), the first 10: ${left.slice(0, 10).join('; ')}`
  );
}
