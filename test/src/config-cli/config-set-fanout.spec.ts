import { REGISTRY_BINARIES, startEtcdCluster, type EtcdCluster } from '@flotilla/testing';
import { etcdctl } from '../store-conformance/support/etcdctl.js';
import { assertBuilt } from './support/built-artifacts.js';
import { startWatcher, type ConfigWatcher, type WatcherEvent } from './support/config-watchers.js';
import { runFlotilla } from './support/run-flotilla.js';

const SERVICE = 'fanout';
const WATCHERS = 10;
/** tools/cli/README.md, "Exit codes": validation failed. */
const EXIT_INVALID = 4;

/**
 * The operator path end to end: 10 service processes hold a typed @flotilla/config handle on
 * SERVICE (the config package's demo schema: `retries` an integer 0..10, `limits` {rps, burst >= 1},
 * `step` an integer), and the built `flotilla` CLI, run as a child process, changes their config.
 */
describe.each(REGISTRY_BINARIES)(`flotilla config set to ${WATCHERS} watching services on %s`, (binary) => {
  let cluster: EtcdCluster | undefined;
  const watchers: ConfigWatcher[] = [];
  let endpoints: readonly string[];

  beforeAll(async () => {
    assertBuilt();
    cluster = await startEtcdCluster({ binary, size: 1 });
    endpoints = cluster.endpoints;
    const started = await Promise.allSettled(
      Array.from({ length: WATCHERS }, (_, i) => startWatcher(`service-${i}`, SERVICE, endpoints)),
    );
    // Keep every one that started, so afterAll stops them even when another failed.
    for (const s of started) if (s.status === 'fulfilled') watchers.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  });

  afterAll(async () => {
    await Promise.all(watchers.map((w) => w.stop()));
    await cluster?.stop();
  });

  const changesOf = (w: ConfigWatcher) =>
    w.events.filter((e) => e.event === 'change').map((e) => ({ key: e['key'], value: e['value'] }));
  const invalidOf = (w: ConfigWatcher) => w.events.filter((e) => e.event === 'invalid');

  /**
   * A valid write after the refused ones: every watcher sees it, and a store's watch delivers in
   * revision order, so a refused write that had landed would have arrived first.
   */
  async function barrier(step: number): Promise<void> {
    const set = await runFlotilla(endpoints, ['config', 'set', SERVICE, 'step', String(step), '--json']);
    expect(set.code, set.stderr).toBe(0);
    const { revision } = JSON.parse(set.stdout) as { revision: number };
    for (const w of watchers)
      await w.next((e) => isChange(e, 'step', step), `the step=${step} change at revision ${revision}`);
  }

  it('one `flotilla config set` reaches every process as the new typed value', async () => {
    expect(watchers).toHaveLength(WATCHERS);
    for (const w of watchers) {
      const started = w.events.find((e) => e.event === 'started')!;
      expect(started).toMatchObject({ source: 'store', stale: false });
      expect((started['snapshot'] as Record<string, unknown>)['retries']).toBe(3); // the default
    }

    const set = await runFlotilla(endpoints, ['config', 'set', SERVICE, 'retries', '7', '--json']);
    expect(set.code, set.stderr).toBe(0);
    const written = JSON.parse(set.stdout) as { value: unknown; revision: number };
    expect(written).toMatchObject({ service: SERVICE, key: 'retries', value: 7 });

    for (const w of watchers) {
      const change = await w.next((e) => isChange(e, 'retries', 7), 'retries = 7');
      expect(change['revision']).toBe(written.revision);
      expect(typeof change['value']).toBe('number');
      const snapshot = await w.snapshot();
      expect(snapshot['retries']).toBe(7);
    }
  });

  it('a value breaking the schema: exit 4 naming key, path and rule; nothing written, no process sees a change', async () => {
    const tooMany = await runFlotilla(endpoints, ['config', 'set', SERVICE, 'retries', '11']);
    expect(tooMany.code).toBe(EXIT_INVALID);
    expect(tooMany.stdout).toBe('');
    expect(tooMany.stderr).toContain(`schema violation for ${SERVICE}/retries`);
    expect(tooMany.stderr).toContain('path (the whole value)');
    expect(tooMany.stderr).toContain('rule "maximum: must be <= 10"');

    const nested = await runFlotilla(endpoints, ['config', 'set', SERVICE, 'limits', '{"rps":1,"burst":0}']);
    expect(nested.code).toBe(EXIT_INVALID);
    expect(nested.stderr).toContain(`schema violation for ${SERVICE}/limits`);
    expect(nested.stderr).toContain('path /burst');
    expect(nested.stderr).toContain('rule "minimum: must be >= 1"');

    const stored = await runFlotilla(endpoints, ['config', 'get', SERVICE, 'retries', '--json']);
    expect(stored.code, stored.stderr).toBe(0);
    expect(JSON.parse(stored.stdout)).toMatchObject({ key: 'retries', value: 7 });

    await barrier(1);
    for (const w of watchers) {
      expect(changesOf(w), w.name).toEqual([
        { key: 'retries', value: 7 },
        { key: 'step', value: 1 },
      ]);
      expect(invalidOf(w), w.name).toEqual([]);
      expect(await w.snapshot()).toMatchObject({ retries: 7, limits: { rps: 5, burst: 10 } });
    }
  });

  it.runIf(binary === 'flotilla-store')(
    'etcdctl put of a breaking value is refused by flotilla-store itself, naming the path and rule',
    async () => {
      const key = `flotilla/config/${SERVICE}/retries`;
      const put = await etcdctl(endpoints, ['put', key, '11']);
      expect(put.code).not.toBe(0);
      expect(put.stderr).toContain(`${key} refused`);
      expect(put.stderr).toContain('invalid at the whole value: maximum: must be <= 10');

      const limitsKey = `flotilla/config/${SERVICE}/limits`;
      const nested = await etcdctl(endpoints, ['put', limitsKey, '{"rps":1,"burst":0}']);
      expect(nested.code).not.toBe(0);
      expect(nested.stderr).toContain(`${limitsKey} refused`);
      expect(nested.stderr).toContain('invalid at /burst: minimum: must be >= 1');

      await barrier(2);
      for (const w of watchers) {
        expect(changesOf(w), w.name).toEqual([
          { key: 'retries', value: 7 },
          { key: 'step', value: 1 },
          { key: 'step', value: 2 },
        ]);
        expect(invalidOf(w), w.name).toEqual([]);
      }
    },
  );
});

function isChange(e: WatcherEvent, key: string, value: unknown): boolean {
  return e.event === 'change' && e['key'] === key && e['value'] === value;
}
