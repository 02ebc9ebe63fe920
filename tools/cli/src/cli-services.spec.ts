import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { type EtcdCluster, REGISTRY_BINARIES, startEtcdCluster } from '@flotilla/testing';
import type { InstanceRow } from './commands/services/services-ls.js';
import type { InstanceChange } from './commands/services/services-watch.js';
import { ExitCode } from './exit-codes.js';
import { type CliWatch, flotilla, flotillaJson, startWatch } from './test-support/run-cli.js';

describe.each(REGISTRY_BINARIES)('flotilla services against %s', (binary) => {
  let cluster: EtcdCluster;
  let discovery: Discovery;
  let at: string[];
  const watches: CliWatch[] = [];

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary, size: 1 });
    discovery = await createDiscovery({ endpoints: cluster.endpoints, connectTimeoutMs: 5000 });
    at = ['--endpoints', cluster.endpoints.join(',')];
  });
  afterEach(async () => {
    for (const w of watches.splice(0)) await w.stop();
  });
  afterAll(async () => {
    await discovery?.close();
    await cluster?.stop();
  });

  it('lists registered instances with their metadata and the lease TTL left', async () => {
    const registration = await discovery.register({
      service: 'greeter',
      instanceId: 'g-1',
      address: '127.0.0.1:50051',
      metadata: { version: '1.2.0', zone: 'a' },
      ttl: 10,
    });
    try {
      const listed = await flotillaJson<{ revision: number; instances: InstanceRow[] }>([
        ...at,
        'services',
        'ls',
      ]);
      expect(listed.instances).toHaveLength(1);
      const [row] = listed.instances;
      expect(row).toEqual({
        service: 'greeter',
        instanceId: 'g-1',
        address: '127.0.0.1:50051',
        metadata: { version: '1.2.0', zone: 'a' },
        key: 'flotilla/services/greeter/g-1',
        lease: expect.stringMatching(/^[1-9]\d*$/),
        ttl: expect.any(Number),
        grantedTtl: 10,
      });
      expect(row!.ttl).toBeGreaterThan(0);
      expect(row!.ttl).toBeLessThanOrEqual(10);

      const table = await flotilla([...at, 'services', 'ls', 'greeter']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/SERVICE.*INSTANCE.*ADDRESS.*METADATA.*LEASE TTL/);
      expect(table.stdout).toMatch(/greeter.*g-1.*127\.0\.0\.1:50051.*"version":"1\.2\.0".*\d+s of 10s/);
    } finally {
      await registration.deregister();
    }
    const unknown = await flotilla([...at, 'services', 'ls', 'greeter']);
    expect(unknown.code).toBe(ExitCode.failed);
    expect(unknown.stderr).toBe(
      'error: unknown service "greeter": no instances registered under flotilla/services/greeter/; list every service with `flotilla services ls`\n',
    );
  });

  it('watches instances being added and removed, and exits 0 on Ctrl-C', async () => {
    const watch = startWatch([...at, 'services', 'watch', 'echo', '--json']);
    watches.push(watch);
    await watch.ready();
    const registration = await discovery.register({
      service: 'echo',
      instanceId: 'e-1',
      address: '127.0.0.1:50052',
    });
    // Another service's instance is not this watch's business.
    const other = await discovery.register({
      service: 'other',
      instanceId: 'o-1',
      address: '127.0.0.1:50053',
    });
    await registration.deregister();
    await other.deregister();
    const changes = (await watch.waitForLines(2)).map((l) => JSON.parse(l) as InstanceChange);
    expect(changes).toEqual([
      {
        type: 'add',
        service: 'echo',
        instanceId: 'e-1',
        address: '127.0.0.1:50052',
        metadata: {},
        revision: expect.any(Number),
      },
      { type: 'remove', service: 'echo', instanceId: 'e-1', revision: expect.any(Number) },
    ]);
    expect(changes[1]!.revision).toBeGreaterThan(changes[0]!.revision);
    expect(await watch.interrupt()).toBe(0);
    expect(watch.stdoutLines()).toHaveLength(2);
  });

  it('watch as a table: an instance re-registered with new metadata is an UPDATE', async () => {
    const watch = startWatch([...at, 'services', 'watch', 'rolling']);
    watches.push(watch);
    await watch.ready();
    const first = await discovery.register({
      service: 'rolling',
      instanceId: 'r-1',
      address: '127.0.0.1:50061',
      metadata: { version: '1' },
    });
    // The same instance registered again (a restart that came back before its old lease ran out),
    // now with new metadata: the key is rewritten under the new lease.
    const second = await discovery.register({
      service: 'rolling',
      instanceId: 'r-1',
      address: '127.0.0.1:50061',
      metadata: { version: '2' },
    });
    try {
      const lines = await watch.waitForLines(2);
      expect(lines).toEqual([
        expect.stringMatching(/^\d+\tADD\trolling\tr-1\t127\.0\.0\.1:50061\t\{"version":"1"\}$/),
        expect.stringMatching(/^\d+\tUPDATE\trolling\tr-1\t127\.0\.0\.1:50061\t\{"version":"2"\}$/),
      ]);
    } finally {
      // The first lease no longer holds the key, so revoking it removes nothing; the second one does.
      await first.deregister();
      await second.deregister();
    }
    const lines = await watch.waitForLines(3);
    expect(lines[2]).toMatch(/^\d+\tREMOVE\trolling\tr-1$/);
    const revisions = lines.map((l) => Number(l.split('\t')[0]));
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    expect(await watch.interrupt()).toBe(0);
    expect(watch.stdoutLines()).toHaveLength(3);
  });
});
