import { Etcd3 } from 'etcd3';
import { z } from 'zod';
import { REGISTRY_BINARIES, startEtcdCluster, type EtcdCluster } from '@flotilla/testing';
import {
  ConfigClient,
  ConfigValidationError,
  configKey,
  defineConfig,
  schemaKey,
  setConfig,
  type ConfigInvalid,
} from './index.js';
import { etcdctl, readKey } from './test-support/cluster-tools.js';
import { demoSchema } from './test-support/demo-schema.js';
import { WatcherProcess } from './test-support/watcher-process.js';

const quiet = { info: () => undefined, warn: () => undefined };

describe.each(REGISTRY_BINARIES)('config on a real %s', (binary) => {
  let cluster: EtcdCluster;
  let client: Etcd3;
  let configClient: ConfigClient;
  const watchers: WatcherProcess[] = [];

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary, size: 1 });
    client = new Etcd3({ hosts: cluster.endpoints });
    configClient = new ConfigClient({ endpoints: cluster.endpoints });
  });
  afterAll(async () => {
    await Promise.all(watchers.map((w) => w.stop()));
    configClient?.close();
    client?.close();
    await cluster?.stop();
  });

  it('publishes the schema on start only when it changed, and serves typed defaults and stored values', async () => {
    const service = 'publish';
    await client.put(configKey(service, 'retries')).value('7');
    const handle = defineConfig(service, demoSchema, { endpoints: cluster.endpoints, logger: quiet });
    await handle.start();
    try {
      expect(handle.source).toBe('store');
      expect(handle.isStale()).toBe(false);
      expect(handle.get('retries')).toBe(7);
      expect(handle.get('greeting')).toBe('Hello, {name}');
      expect(handle.snapshot()).toEqual({
        greeting: 'Hello, {name}',
        retries: 7,
        limits: { rps: 5, burst: 10 },
        step: 0,
      });
      const stored = await client.get(schemaKey(service)).exec();
      expect(stored.kvs[0]!.value.toString()).toBe(JSON.stringify(z.toJSONSchema(demoSchema)));
      const publishedAt = stored.kvs[0]!.mod_revision;
      expect(await configClient.publishSchema(service, demoSchema)).toEqual({
        revision: Number(publishedAt),
        changed: false,
      });
      const again = defineConfig(service, demoSchema, { endpoints: cluster.endpoints, logger: quiet });
      await again.start();
      await again.close();
      expect((await client.get(schemaKey(service)).exec()).kvs[0]!.mod_revision).toBe(publishedAt);
      // etcdctl sees plain JSON under the agreed layout.
      const listed = await etcdctl(cluster.endpoints, 'get', '--prefix', `flotilla/config/${service}/`);
      expect(listed.trim().split('\n')).toEqual([`flotilla/config/${service}/retries`, '7']);
    } finally {
      await handle.close();
    }
  });

  it('delivers a setConfig made elsewhere to 10 service processes as the new typed value', async () => {
    const service = 'fanout';
    const started = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        WatcherProcess.start(`service-${i}`, { service, endpoints: cluster.endpoints }),
      ),
    );
    watchers.push(...started);
    const revision = await setConfig({ endpoints: cluster.endpoints }, service, 'limits', {
      rps: 2.5,
      burst: 4,
    });
    expect(revision).toBeGreaterThan(0);
    for (const w of started) {
      const line = await w.waitFor((l) => l.event === 'change' && l['key'] === 'limits', 'the limits change');
      expect(line).toMatchObject({ value: { rps: 2.5, burst: 4 }, revision });
    }
    await Promise.all(started.map((w) => w.stop()));
  });

  it('watch() yields the current value and then each change; subscribe() sees the whole snapshot', async () => {
    const service = 'iterate';
    const handle = defineConfig(service, demoSchema, { endpoints: cluster.endpoints, logger: quiet });
    await handle.start();
    const snapshots: number[] = [];
    const unsubscribe = handle.subscribe((snapshot) => snapshots.push(snapshot.retries));
    const seen: number[] = [];
    const done = (async () => {
      for await (const retries of handle.watch('retries')) {
        seen.push(retries);
        if (seen.length === 3) break;
      }
    })();
    await configClient.setConfig(service, 'retries', 4);
    await configClient.setConfig(service, 'retries', 5);
    await done;
    unsubscribe();
    await handle.close();
    expect(seen).toEqual([3, 4, 5]);
    expect(snapshots).toEqual([4, 5]);
    expect(() => handle.get('nope' as 'retries')).toThrow(
      'config iterate has no key "nope" (keys: greeting, retries, limits, step)',
    );
  });

  it('setConfig refuses a value that breaks the stored schema before writing anything', async () => {
    const service = 'client-guard';
    await configClient.publishSchema(service, demoSchema);
    await configClient.setConfig(service, 'retries', 2);
    const error = await configClient.setConfig(service, 'retries', 11).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).violation).toMatchObject({
      key: 'retries',
      path: '',
      rule: 'maximum: must be <= 10',
    });
    await expect(configClient.setConfig(service, 'limits', { rps: 1, burst: 0 })).rejects.toThrow(
      'config key "limits" is invalid at /burst: minimum: must be >= 1',
    );
    await expect(configClient.setConfig(service, 'colour', 'red')).rejects.toThrow(
      /not a key of this service's schema/,
    );
    expect(await readKey(cluster.endpoints, configKey(service, 'retries'))).toBe('2');
    expect(await readKey(cluster.endpoints, configKey(service, 'colour'))).toBeNull();
  });

  it('never hands a service a stored value that breaks the schema: it keeps the last good one and says why', async () => {
    const service = 'read-guard';
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (message: string) => warnings.push(message) };
    const handle = defineConfig(service, demoSchema, { endpoints: cluster.endpoints, logger });
    const invalid: ConfigInvalid[] = [];
    handle.on('invalid', (i) => invalid.push(i));
    await handle.start();
    try {
      await configClient.setConfig(service, 'retries', 6);
      await configClient.setConfig(service, 'limits', { rps: 2, burst: 3 });
      await vi.waitFor(() => expect(handle.get('retries')).toBe(6));
      await vi.waitFor(() => expect(handle.get('limits')).toEqual({ rps: 2, burst: 3 }));
      if (binary === 'flotilla-store') {
        // Only reachable by bypassing the store's guard, which etcd does not have: drop the schema first.
        await client.delete().key(schemaKey(service));
      }
      const retries = await client.put(configKey(service, 'retries')).value('12');
      await client.put(configKey(service, 'greeting')).value('not json');
      const limits = await client.put(configKey(service, 'limits')).value('{"rps":2,"burst":0}');
      await vi.waitFor(() => expect(invalid).toHaveLength(3), { timeout: 10_000 });
      expect(invalid[0]!).toMatchObject({
        key: 'retries',
        path: '',
        rule: 'maximum: must be <= 10',
      });
      expect(invalid[1]!).toMatchObject({ key: 'greeting', path: '' });
      expect(invalid[1]!.rule).toMatch(/^json: /);
      expect(invalid[2]!).toMatchObject({ key: 'limits', path: '/burst', rule: 'minimum: must be >= 1' });
      // The warning names the service, the key, the path in the value and the rule.
      const refused = warnings.filter((w) => w.includes('ignoring invalid value'));
      expect(refused).toEqual([
        `config read-guard: ignoring invalid value at revision ${retries.header.revision}, keeping the last good one: config key "retries" is invalid at the whole value: maximum: must be <= 10`,
        expect.stringMatching(
          /^config read-guard: ignoring invalid value at revision \d+, keeping the last good one: config key "greeting" is invalid at the whole value: json: /,
        ),
        `config read-guard: ignoring invalid value at revision ${limits.header.revision}, keeping the last good one: config key "limits" is invalid at /burst: minimum: must be >= 1`,
      ]);
      expect(handle.get('retries')).toBe(6);
      expect(handle.get('greeting')).toBe('Hello, {name}');
      expect(handle.get('limits')).toEqual({ rps: 2, burst: 3 });
      await configClient.setConfig(service, 'retries', 1);
      await vi.waitFor(() => expect(handle.get('retries')).toBe(1));
    } finally {
      await handle.close();
    }
  });

  if (binary === 'flotilla-store') {
    describe('the store-side guard', () => {
      const service = 'store-guard';
      const key = configKey(service, 'limits');
      beforeAll(async () => {
        await configClient.publishSchema(service, demoSchema);
        await configClient.setConfig(service, 'limits', { rps: 1, burst: 2 });
      });

      it('rejects a put through the etcd3 client with INVALID_ARGUMENT naming key, path and rule', async () => {
        const error = await client
          .put(key)
          .value('{"rps":1,"burst":0}')
          .exec()
          .catch((e: unknown) => e as Error);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toContain(key);
        expect((error as Error).message).toContain('/burst');
        expect((error as Error).message).toContain('minimum: must be >= 1');
        expect(await readKey(cluster.endpoints, key)).toBe('{"rps":1,"burst":2}');
      });

      it('rejects a txn with an invalid put in a nested branch as a whole', async () => {
        const other = configKey(service, 'step');
        const before = await client.get(other).exec();
        const error = await client.kv
          .txn({
            success: [
              { request_put: { key: Buffer.from(other), value: Buffer.from('9') } },
              {
                request_txn: {
                  success: [
                    { request_put: { key: Buffer.from(key), value: Buffer.from('{"rps":-1,"burst":2}') } },
                  ],
                },
              },
            ],
          })
          .catch((e: unknown) => e as Error);
        expect((error as Error).message).toMatch(/\/rps.*exclusiveMinimum: must be > 0/);
        expect(await readKey(cluster.endpoints, other)).toBeNull();
        expect((await client.get(other).exec()).header.revision).toBe(before.header.revision);
        expect(await readKey(cluster.endpoints, key)).toBe('{"rps":1,"burst":2}');
        // The branch not taken is not checked, as it writes nothing.
        await client.kv.txn({
          compare: [{ key: Buffer.from(other), target: 'Version', result: 'Greater', version: 5 }],
          success: [{ request_put: { key: Buffer.from(key), value: Buffer.from('"bad"') } }],
          failure: [{ request_put: { key: Buffer.from(key), value: Buffer.from('{"rps":3,"burst":3}') } }],
        });
        expect(await readKey(cluster.endpoints, key)).toBe('{"rps":3,"burst":3}');
      });

      it('rejects etcdctl put with the path and the rule, and nothing changes', async () => {
        const before = await readKey(cluster.endpoints, key);
        await expect(etcdctl(cluster.endpoints, 'put', key, '{"rps":1}')).rejects.toThrow(
          /InvalidArgument.*flotilla\/config\/store-guard\/limits.*required: must have required property 'burst'/,
        );
        await expect(
          etcdctl(cluster.endpoints, 'put', configKey(service, 'retries'), 'eleven'),
        ).rejects.toThrow(/config key "retries" is invalid at the whole value: json: /);
        expect(await readKey(cluster.endpoints, key)).toBe(before);
        expect(await readKey(cluster.endpoints, configKey(service, 'retries'))).toBeNull();
      });

      it('rejects a malformed schema', async () => {
        await expect(
          etcdctl(cluster.endpoints, 'put', schemaKey('broken'), '{"type":"object"'),
        ).rejects.toThrow(
          /InvalidArgument.*schema flotilla\/schemas\/broken refused: config schema is not JSON/,
        );
        await expect(etcdctl(cluster.endpoints, 'put', schemaKey('broken'), '{"type":7}')).rejects.toThrow(
          /not a valid JSON Schema/,
        );
        expect(await readKey(cluster.endpoints, schemaKey('broken'))).toBeNull();
      });
    });
  } else {
    it('etcd itself stores an invalid value written around setConfig (only the read side guards)', async () => {
      const service = 'etcd-unguarded';
      await configClient.publishSchema(service, demoSchema);
      await etcdctl(cluster.endpoints, 'put', configKey(service, 'retries'), '99');
      expect(await readKey(cluster.endpoints, configKey(service, 'retries'))).toBe('99');
    });
  }
});
