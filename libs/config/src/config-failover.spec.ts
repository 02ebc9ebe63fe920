import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { REGISTRY_BINARIES, startEtcdCluster, type EtcdCluster } from '@flotilla/testing';
import { ConfigClient, configKey } from './index.js';
import { leaderIndex } from './test-support/cluster-tools.js';
import { demoSchema } from './test-support/demo-schema.js';
import { WatcherProcess } from './test-support/watcher-process.js';

/**
 * Retries `write` until the store answers it. A write cut off by a leader change may or may not have
 * been applied; writing the same value again is then harmless (services see one change).
 */
async function untilAnswered<T>(
  write: () => Promise<T>,
  answered: (error: Error) => boolean = () => false,
): Promise<T | Error> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (answered(error as Error)) return error as Error;
      if (attempt >= 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

const refusedByGuard = (error: Error) => /refused: config key "step"/.test(error.message);

describe.each(REGISTRY_BINARIES)('config across failures of %s', (binary) => {
  describe('leader killed while 10 services watch', () => {
    let cluster: EtcdCluster;
    const watchers: WatcherProcess[] = [];
    afterAll(async () => {
      await Promise.all(watchers.map((w) => w.stop()));
      await cluster?.stop();
    });

    it('every service ends with every change, in order, and never an invalid value', async () => {
      cluster = await startEtcdCluster({ binary, size: 3 });
      const service = 'failover';
      const endpoints = cluster.endpoints;
      const writer = new ConfigClient({ endpoints });
      const raw = new Etcd3({ hosts: endpoints });
      try {
        await writer.publishSchema(service, demoSchema);
        // Two services know only the leader's address, so their watch surely breaks with it and must
        // resume from the right revision once it is back; the others can move to another member.
        const leader = await leaderIndex(cluster);
        const pinned = [cluster.members[leader]!.clientUrl];
        watchers.push(
          ...(await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              WatcherProcess.start(`service-${i}`, { service, endpoints: i < 2 ? pinned : endpoints }),
            ),
          )),
        );
        const steps = Array.from({ length: 30 }, (_, i) => i + 1);
        let killed = -1;
        for (const step of steps) {
          if (step === 10) {
            killed = await leaderIndex(cluster);
            await cluster.kill(killed);
          }
          await untilAnswered(() => writer.setConfig(service, 'step', step));
          if (step % 5 === 0) {
            // Invalid values written around setConfig: flotilla-store refuses them; etcd stores them,
            // and the services' read-side guard must keep them out.
            const bad = step % 10 === 0 ? '-1' : '"seven"';
            const answer = await untilAnswered(
              () => raw.put(configKey(service, 'step')).value(bad).exec(),
              refusedByGuard,
            );
            if (binary === 'flotilla-store') expect(answer).toBeInstanceOf(Error);
            else expect(answer).not.toBeInstanceOf(Error);
          }
        }
        // Last, a valid value again, so every service ends on it after seeing the invalid ones.
        await untilAnswered(() => writer.setConfig(service, 'step', 31));
        steps.push(31);
        await cluster.restart(killed);
        for (const w of watchers) {
          await w.waitFor(
            (l) => l.event === 'change' && l['key'] === 'step' && l['value'] === 31,
            'step 31',
            30_000,
          );
          const seen = w.changes('step');
          expect(seen.map((c) => c.value)).toEqual(steps);
          const revisions = seen.map((c) => c.revision);
          expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
          const invalid = w.events('invalid');
          if (binary === 'etcd') {
            // Each invalid value was reported, never applied.
            expect(invalid.length).toBeGreaterThanOrEqual(6);
            expect(invalid.every((l) => l['key'] === 'step')).toBe(true);
          } else expect(invalid).toEqual([]);
          expect(w.events('started')).toHaveLength(1);
        }
        if (killed === leader) {
          // (Unless an election moved the leadership before the kill.)
          for (const w of watchers.slice(0, 2)) {
            expect(w.events('stale').length).toBeGreaterThanOrEqual(1);
            expect(w.events('fresh').length).toBeGreaterThanOrEqual(2);
          }
        }
      } finally {
        writer.close();
        raw.close();
      }
    });
  });

  describe('whole store stopped and started again', () => {
    let cluster: EtcdCluster;
    const watchers: WatcherProcess[] = [];
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'flotilla-config-cache-'));
    });
    afterAll(async () => {
      await Promise.all(watchers.map((w) => w.stop()));
      await cluster?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('keeps serving the last values as stale, starts from the cache or defaults, and catches up without restarting', async () => {
      cluster = await startEtcdCluster({ binary, size: 1 });
      const service = 'outage';
      const endpoints = cluster.endpoints;
      const cacheFile = join(dir, 'outage.json');
      const writer = new ConfigClient({ endpoints });
      try {
        const first = await WatcherProcess.start('cached', { service, endpoints, cacheFile });
        const plain = await WatcherProcess.start('plain', { service, endpoints });
        watchers.push(first, plain);
        await writer.setConfig(service, 'greeting', 'Hi, {name}');
        await writer.setConfig(service, 'retries', 9);
        for (const w of [first, plain])
          await w.waitFor((l) => l.event === 'change' && l['value'] === 9, 'retries 9');

        await cluster.kill(0);
        for (const w of [first, plain]) {
          await w.waitFor((l) => l.event === 'stale', 'stale');
          expect(await w.snapshot()).toMatchObject({
            stale: true,
            snapshot: { greeting: 'Hi, {name}', retries: 9 },
          });
        }

        // Services starting during the outage: one has the cache the first one wrote, one has nothing.
        const fromCache = await WatcherProcess.start('from-cache', {
          service,
          endpoints,
          cacheFile,
          connectTimeoutMs: 500,
        });
        const fromDefaults = await WatcherProcess.start('from-defaults', {
          service,
          endpoints,
          connectTimeoutMs: 500,
        });
        watchers.push(fromCache, fromDefaults);
        expect(fromCache.events('started')[0]).toMatchObject({
          source: 'cache',
          stale: true,
          snapshot: { greeting: 'Hi, {name}', retries: 9 },
        });
        expect(fromDefaults.events('started')[0]).toMatchObject({
          source: 'defaults',
          stale: true,
          snapshot: { greeting: 'Hello, {name}', retries: 3 },
        });
        expect(fromCache.log).toMatch(
          /store unreachable at .*; serving the cache .*outage\.json \(revision \d+\) and retrying/,
        );

        await cluster.restart(0);
        // Reconnected: the first two were fresh once before the outage, the others not yet.
        for (const [w, fresh] of [
          [first, 2],
          [plain, 2],
          [fromCache, 1],
          [fromDefaults, 1],
        ] as const) {
          await w.waitFor(
            (l) => l.event === 'fresh' && w.events('fresh').length === fresh,
            'fresh again',
            30_000,
          );
        }
        await writer.setConfig(service, 'retries', 2);
        for (const w of [first, plain, fromCache, fromDefaults]) {
          await w.waitFor(
            (l) => l.event === 'change' && l['key'] === 'retries' && l['value'] === 2,
            'retries 2',
          );
          expect(await w.snapshot()).toEqual({
            stale: false,
            snapshot: { greeting: 'Hi, {name}', retries: 2, limits: { rps: 5, burst: 10 }, step: 0 },
          });
          expect(w.events('started')).toHaveLength(1);
        }
        // Changes arrive once each, in revision order.
        expect(first.changes().map((c) => [c.key, c.value])).toEqual([
          ['greeting', 'Hi, {name}'],
          ['retries', 9],
          ['retries', 2],
        ]);
        // The one that started on defaults caught up by reading everything, then watching on.
        expect(fromDefaults.changes().map((c) => [c.key, c.value])).toEqual([
          ['greeting', 'Hi, {name}'],
          ['retries', 9],
          ['retries', 2],
        ]);
        expect(fromCache.changes().map((c) => [c.key, c.value])).toEqual([['retries', 2]]);
      } finally {
        writer.close();
      }
    });
  });
});
