import { type EtcdCluster, freePort, REGISTRY_BINARIES, startEtcdCluster, waitFor } from '@flotilla/testing';
import { createDiscovery, type Discovery } from './discovery.js';
import { EtcdUnavailableError, InvalidArgumentError } from './errors.js';
import { registerEtcdResolver } from './grpc/resolver-etcd.js';
import type { ServiceEndpoint } from './naming/endpoint-codec.js';
import type { Registration, RegistrationState } from './registrar/registrar.js';
import { etcdctl, etcdctlGetPrefix } from './test-support/etcdctl.js';
import { greeterClient, sayHello, startInProcessGreeter } from './test-support/in-process-greeter.js';

describe('discovery against a dead or bad etcd', () => {
  it('fails start-up within connectTimeoutMs, naming every endpoint it tried', async () => {
    const dead = [`http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`];
    const started = Date.now();
    const failure = await createDiscovery({ endpoints: dead, connectTimeoutMs: 800 }).catch(
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(failure).toBeInstanceOf(EtcdUnavailableError);
    expect((failure as Error).message).toContain(
      `etcd is unreachable: tried ${dead.join(', ')} for up to 800 ms`,
    );
  });

  it.each([
    [{ endpoints: '' }, 'etcd endpoints must list at least one URL'],
    [
      { endpoints: ['ftp://127.0.0.1:2379'] },
      'etcd endpoint "ftp://127.0.0.1:2379" must be http(s)://host:port',
    ],
    [{ endpoints: ['http://127.0.0.1'] }, 'etcd endpoint "http://127.0.0.1" must be http(s)://host:port'],
    [{ endpoints: 'http://a:1,https://b:2' }, 'etcd endpoints mix http and https'],
    [
      { endpoints: 'http://a:1', connectTimeoutMs: -1 },
      'connectTimeoutMs must be a positive number of milliseconds, got -1',
    ],
    [{ endpoints: 'http://a:1', prefix: '/' }, 'prefix must not be empty'],
  ])('rejects options %j with a clear message', async (options, message) => {
    await expect(createDiscovery(options)).rejects.toThrow(message);
  });
});

describe.each(REGISTRY_BINARIES)('discovery against a real %s', (binary) => {
  let cluster: EtcdCluster;
  let discovery: Discovery;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary, size: 1 });
    discovery = await createDiscovery({ endpoints: cluster.endpoints, connectTimeoutMs: 3000 });
    registerEtcdResolver(discovery);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });
  afterAll(async () => {
    await discovery?.close();
    await cluster?.stop();
  });

  async function register(
    service: string,
    instanceId: string,
    address: string,
    extra: Partial<Parameters<Discovery['register']>[0]> = {},
  ) {
    const registration = await discovery.register({
      service,
      instanceId,
      address,
      metadata: { version: '1.0.0', zone: 'z1', weight: 2 },
      ttl: 5,
      ...extra,
    });
    cleanups.push(() => registration.deregister());
    return registration;
  }

  it('registers under <prefix>/<service>/<id> with the etcd-naming JSON, as etcdctl shows', async () => {
    const registration = await register('svc-json', 'i-1', '127.0.0.1:7001');
    expect(registration.state).toBe('registered');
    const pairs = await etcdctlGetPrefix(cluster.endpoints, 'flotilla/services/svc-json/');
    expect(pairs.map((p) => p.key)).toEqual(['flotilla/services/svc-json/i-1']);
    const value = JSON.parse(pairs[0]!.value) as { Op: number; Addr: string; Metadata: string };
    expect(value).toEqual({ Op: 0, Addr: '127.0.0.1:7001', Metadata: expect.any(String) });
    expect(JSON.parse(value.Metadata)).toEqual({ version: '1.0.0', zone: 'z1', weight: 2 });
    // The key is attached to the lease: etcd reports the lease's keys.
    const lease = await etcdctl(
      cluster.endpoints,
      'lease',
      'timetolive',
      BigInt(registration.leaseId!).toString(16),
      '--keys',
    );
    expect(lease).toContain('flotilla/services/svc-json/i-1');
  });

  it('lists and watches instances as they come and go', async () => {
    const sets: ServiceEndpoint[][] = [];
    const watching = (async () => {
      for await (const set of discovery.watch('svc-watch')) {
        sets.push(set);
        if (sets.length > 1 && set.length === 0) break;
      }
    })();
    await waitFor(() => sets.length >= 1, { timeoutMs: 5000, what: 'the first (empty) set' });
    expect(sets[0]).toEqual([]);
    const a = await register('svc-watch', 'a', '127.0.0.1:7101');
    const b = await register('svc-watch', 'b', '127.0.0.1:7102', { metadata: { zone: 'z2' } });
    await waitFor(() => sets.at(-1)?.length === 2, {
      timeoutMs: 2000,
      what: 'both instances in the watched set',
    });
    expect(await discovery.list('svc-watch')).toEqual([
      {
        service: 'svc-watch',
        instanceId: 'a',
        address: '127.0.0.1:7101',
        metadata: { version: '1.0.0', zone: 'z1', weight: 2 },
        key: 'flotilla/services/svc-watch/a',
        revision: expect.stringMatching(/^\d+$/),
      },
      {
        service: 'svc-watch',
        instanceId: 'b',
        address: '127.0.0.1:7102',
        metadata: { zone: 'z2' },
        key: 'flotilla/services/svc-watch/b',
        revision: expect.stringMatching(/^\d+$/),
      },
    ]);
    await a.deregister();
    await b.deregister();
    await watching;
    expect(sets.at(-1)).toEqual([]);
    expect(await discovery.list('svc-watch')).toEqual([]);
  });

  it('does not mix up a service with another whose name it prefixes', async () => {
    await register('svc-p', 'x', '127.0.0.1:7201');
    await register('svc-p2', 'y', '127.0.0.1:7202');
    expect((await discovery.list('svc-p')).map((e) => e.instanceId)).toEqual(['x']);
  });

  it('puts back a key deleted with etcdctl del within 1 s', async () => {
    const registration = await register('svc-del', 'd-1', '127.0.0.1:7301');
    const restored = new Promise<void>((resolve) => registration.on('keyRestored', () => resolve()));
    const deletedAt = Date.now();
    expect(await etcdctl(cluster.endpoints, 'del', 'flotilla/services/svc-del/d-1')).toContain('1');
    await waitFor(async () => (await discovery.list('svc-del')).length === 1, {
      timeoutMs: 1000,
      intervalMs: 20,
      what: 'the deleted key to come back',
    });
    expect(Date.now() - deletedAt).toBeLessThan(1000);
    await restored;
    expect(registration.state).toBe('registered');
  });

  it('re-registers with a fresh lease when someone revokes its lease', async () => {
    const registration = await register('svc-revoke', 'r-1', '127.0.0.1:7401');
    const states: RegistrationState[] = [];
    registration.on('state', (s) => states.push(s));
    const oldLease = registration.leaseId!;
    await etcdctl(cluster.endpoints, 'lease', 'revoke', BigInt(oldLease).toString(16));
    await waitFor(
      () =>
        registration.state === 'registered' &&
        registration.leaseId !== undefined &&
        registration.leaseId !== oldLease,
      {
        timeoutMs: 3000,
        what: 'a new lease',
      },
    );
    expect(await discovery.list('svc-revoke')).toHaveLength(1);
    expect(states).toContain('retrying');
  });

  it('rejects bad registrations with a message naming the problem', async () => {
    await expect(
      discovery.register({ service: '', instanceId: 'a', address: '127.0.0.1:1' }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      discovery.register({ service: 'svc', instanceId: 'a', address: 'nohostport' }),
    ).rejects.toThrow('address "nohostport" is not "host:port"');
    await expect(
      discovery.register({ service: 'svc', instanceId: 'a', address: '127.0.0.1:1', ttl: 0 }),
    ).rejects.toThrow('ttl must be a whole number of seconds from 1 to 86400, got 0');
    expect(() => discovery.watch('a/b')).toThrow('service name "a/b" may only contain');
  });

  it('resolves etcd:///<service> in a grpc-js channel and round-robins over every instance', async () => {
    const servers = await Promise.all(['g-1', 'g-2', 'g-3'].map((id) => startInProcessGreeter(id)));
    cleanups.push(async () => Promise.all(servers.map((s) => s.close())));
    const registrations: Registration[] = [];
    for (const [i, server] of servers.entries())
      registrations.push(await register('greeter-rr', `g-${i + 1}`, server.address));
    const client = greeterClient('etcd:///greeter-rr');
    cleanups.push(async () => client.close());
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) seen.add((await sayHello(client, 'rr')).message);
    expect([...seen].sort()).toEqual(['Hello rr from g-1', 'Hello rr from g-2', 'Hello rr from g-3']);

    // A deregistered instance leaves the rotation; the Go-style full target resolves too.
    await registrations[0]!.deregister();
    await waitFor(
      async () => {
        const replies = new Set<string>();
        for (let i = 0; i < 12; i++) replies.add((await sayHello(client, 'rr')).message);
        return !replies.has('Hello rr from g-1');
      },
      { timeoutMs: 3000, what: 'g-1 to leave the rotation' },
    );
    const goStyle = greeterClient('etcd:///flotilla/services/greeter-rr');
    cleanups.push(async () => goStyle.close());
    expect((await sayHello(goStyle, 'go')).message).toMatch(/^Hello go from g-[23]$/);
  });

  it('fails calls with a clear message when no instance is registered', async () => {
    const client = greeterClient('etcd:///nobody-home');
    cleanups.push(async () => client.close());
    await expect(sayHello(client, 'x')).rejects.toThrow(
      'no instances of "nobody-home" are registered in etcd',
    );
  });
});
