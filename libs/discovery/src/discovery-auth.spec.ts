import { type EtcdCluster, freePort, startEtcdCluster } from '@flotilla/testing';
import { createDiscovery, type Discovery } from './discovery.js';
import { EtcdAuthError } from './errors.js';
import { etcdctl, etcdctlGetPrefix } from './test-support/etcdctl.js';
import { exerciseDiscovery } from './test-support/exercise-discovery.js';

// etcd only: flotilla-store has no Auth service yet (it answers UNIMPLEMENTED).
describe('discovery against etcd with username/password auth enabled', () => {
  let cluster: EtcdCluster | undefined;
  const discoveries: Discovery[] = [];
  const root = ['--user=root:root-pw'];

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary: 'etcd', size: 1 });
    const ctl = (...args: string[]) => etcdctl(cluster!.endpoints, ...args);
    // A non-root user limited to the flotilla/ prefix, as a deployment would set it up.
    await ctl('user', 'add', 'root', '--new-user-password=root-pw');
    await ctl('role', 'add', 'flotilla-rw');
    await ctl('role', 'grant-permission', 'flotilla-rw', '--prefix=true', 'readwrite', 'flotilla/');
    await ctl('user', 'add', 'app', '--new-user-password=app-pw');
    await ctl('user', 'grant-role', 'app', 'flotilla-rw');
    await ctl('user', 'add', 'outsider', '--new-user-password=outsider-pw');
    // May read the prefix (so start-up succeeds) but not write it (so registration's Put fails).
    await ctl('role', 'add', 'flotilla-ro');
    await ctl('role', 'grant-permission', 'flotilla-ro', '--prefix=true', 'read', 'flotilla/');
    await ctl('user', 'add', 'reader', '--new-user-password=reader-pw');
    await ctl('user', 'grant-role', 'reader', 'flotilla-ro');
    // etcdctl grants root the root role itself if needed.
    expect(await ctl('auth', 'enable')).toContain('Authentication Enabled');
    await expect(ctl('get', 'flotilla/x')).rejects.toThrow(/user name is empty|permission denied/);
  });
  afterAll(async () => {
    for (const d of discoveries.splice(0)) await d.close().catch(() => undefined);
    await cluster?.stop();
  });

  const connect = async (...args: Parameters<typeof createDiscovery>) => {
    const discovery = await createDiscovery(...args);
    discoveries.push(discovery);
    return discovery;
  };

  it('registers, lists, watches and resolves as a user allowed only the flotilla/ prefix', async () => {
    const discovery = await connect({
      endpoints: cluster!.endpoints,
      auth: { username: 'app', password: 'app-pw' },
      connectTimeoutMs: 3000,
    });
    await exerciseDiscovery(discovery, 'auth-greeter', 'etcd-auth');
    const registration = await discovery.register({
      service: 'auth-json',
      instanceId: 'a-1',
      address: '127.0.0.1:7001',
    });
    const pairs = await etcdctlGetPrefix(cluster!.endpoints, 'flotilla/services/auth-json/', root);
    expect(pairs.map((p) => p.key)).toEqual(['flotilla/services/auth-json/a-1']);
    await registration.deregister();
    expect(await etcdctlGetPrefix(cluster!.endpoints, 'flotilla/services/auth-json/', root)).toEqual([]);
  });

  it('revokes the lease of every registration attempt whose Put is refused, leaving none behind', async () => {
    const discovery = await connect({
      endpoints: cluster!.endpoints,
      auth: { username: 'reader', password: 'reader-pw' },
      connectTimeoutMs: 3000,
    });
    await expect(
      discovery.register({
        service: 'ro',
        instanceId: 'r-1',
        address: '127.0.0.1:7002',
        startTimeoutMs: 2500,
      }),
    ).rejects.toThrow(/could not register flotilla\/services\/ro\/r-1 within 2500 ms; .*permission denied/);
    // Several attempts were made (backoff 100 ms doubling to 1 s), each granting a 10 s lease.
    const leases = await etcdctl(cluster!.endpoints, 'lease', 'list', ...root);
    expect(leases.trim()).toBe('found 0 leases');
  });

  it('authenticates past a first endpoint that has nothing listening', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const discovery = await connect({
      endpoints: [dead, ...cluster!.endpoints],
      auth: { username: 'app', password: 'app-pw' },
      connectTimeoutMs: 3000,
    });
    const registration = await discovery.register({
      service: 'auth-dead',
      instanceId: 'd-1',
      address: '127.0.0.1:7002',
    });
    expect((await discovery.list('auth-dead')).map((e) => e.instanceId)).toEqual(['d-1']);
    await registration.deregister();
  });

  it.each([
    [
      'a wrong password',
      { username: 'app', password: 'wrong' },
      /rejected the username or password of user "app": .*authentication failed/,
    ],
    [
      'an unknown user',
      { username: 'nobody', password: 'app-pw' },
      /rejected the username or password of user "nobody"/,
    ],
    [
      'no credentials',
      undefined,
      /has authentication enabled, but no credentials were given \(set auth: \{ username, password \}\)/,
    ],
    [
      'a user without access to the prefix',
      { username: 'outsider', password: 'outsider-pw' },
      /user "outsider" may not read "flotilla\/services\/" \(grant a role with readwrite on that prefix\)/,
    ],
  ])('fails start-up at once, not after connectTimeoutMs, with %s', async (_, auth, message) => {
    const started = Date.now();
    const failure = await createDiscovery({
      endpoints: cluster!.endpoints,
      ...(auth ? { auth } : {}),
      connectTimeoutMs: 5000,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(failure).toBeInstanceOf(EtcdAuthError);
    expect((failure as EtcdAuthError).endpoints).toEqual(cluster!.endpoints);
    expect((failure as Error).message).toContain(`etcd at ${cluster!.endpoints.join(', ')}`);
    expect((failure as Error).message).toMatch(message);
  });
});
