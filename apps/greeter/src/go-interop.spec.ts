import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { GreeterClient, type HelloReply } from '@flotilla/proto';
import { createDiscovery, type Discovery, registerEtcdResolver } from '@flotilla/discovery';
import {
  captureOutput,
  type EtcdCluster,
  exited,
  freePort,
  REGISTRY_BINARIES,
  spawnTracked,
  startEtcdCluster,
  stopChild,
  waitFor,
  waitForServing,
} from '@flotilla/testing';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
// Go sources of the interop programs, built in GOPATH mode against Debian's golang-*-dev packages.
const GO_PATH = fileURLToPath(new URL('../../../libs/discovery/interop/go', import.meta.url));
const GO_ENV = { ...process.env, GO111MODULE: 'off', GOFLAGS: '', GOPATH: `${GO_PATH}:/usr/share/gocode` };

const SUITE =
  'interop with Go clients using etcd naming (Debian Go 1.19, etcd 3.4 client, grpc-go 1.33) on %s';

describe.each(REGISTRY_BINARIES)(SUITE, (binary) => {
  let cluster: EtcdCluster;
  let discovery: Discovery;
  let bin: string;
  const children: ReturnType<typeof spawnTracked>[] = [];

  beforeAll(async () => {
    bin = mkdtempSync(join(tmpdir(), 'flotilla-go-interop-'));
    const build = (pkg: string) =>
      run('go', ['build', '-o', join(bin, pkg), `flotilla.dev/interop/${pkg}`], { env: GO_ENV });
    await Promise.all([
      build('greeter-client'),
      build('register-endpoint'),
      startEtcdCluster({ binary, size: 3 }).then((c) => (cluster = c)),
    ]);
    discovery = await createDiscovery({ endpoints: cluster.endpoints });
    registerEtcdResolver(discovery);
  }, 180_000);
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => stopChild(c, 'SIGKILL')));
  });
  afterAll(async () => {
    await discovery?.close();
    await cluster?.stop();
    if (bin) rmSync(bin, { recursive: true, force: true });
  });

  async function spawnGreeter(args: string[]): Promise<string> {
    const port = await freePort();
    const child = spawnTracked(process.execPath, [MAIN, '--port', String(port), ...args]);
    children.push(child);
    await waitForServing(`127.0.0.1:${port}`);
    return `127.0.0.1:${port}`;
  }

  async function registeredGreeters(service: string, n: number): Promise<string[]> {
    const addresses: string[] = [];
    for (let i = 0; i < n; i++) {
      addresses.push(
        await spawnGreeter([
          '--registry',
          cluster.endpoints.join(','),
          '--service-name',
          service,
          '--instance-id',
          `${service}-${i}`,
        ]),
      );
    }
    await waitFor(async () => (await discovery.list(service)).length === n, {
      timeoutMs: 5000,
      what: `${n} ${service} instances`,
    });
    return addresses;
  }

  it('a Go client on etcd:///flotilla/services/<service> with WithAuthority passes the health check and round-robins SayHello', async () => {
    const addresses = await registeredGreeters('greeter-go', 2);
    const { stdout } = await run(
      join(bin, 'greeter-client'),
      [
        '-etcd',
        cluster.endpoints.join(','),
        '-target',
        'etcd:///flotilla/services/greeter-go',
        '-authority',
        'greeter-go',
        '-calls',
        '12',
        '-expect-peers',
        '2',
      ],
      { timeout: 30_000 },
    );
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('health SERVING');
    const replies = lines.slice(1).map((l) => l.split(' '));
    expect(replies).toHaveLength(12);
    expect(replies.every((r) => r[0] === 'reply' && r.slice(2).join(' ') === 'Hello go')).toBe(true);
    const peers = replies.map((r) => r[1]);
    expect([...new Set(peers)].sort()).toEqual(addresses.sort());
    // Round-robin: consecutive calls alternate between the two instances.
    expect(peers.every((p, i) => i === 0 || p !== peers[i - 1])).toBe(true);
  });

  it("documents why Go clients must set WithAuthority: without it grpc-go sends ':authority: flotilla/services/…', which Node's HTTP/2 server resets", async () => {
    await registeredGreeters('greeter-noauth', 1);
    const failure = await run(
      join(bin, 'greeter-client'),
      [
        '-etcd',
        cluster.endpoints.join(','),
        '-target',
        'etcd:///flotilla/services/greeter-noauth',
        '-authority',
        '',
        '-calls',
        '1',
      ],
      { timeout: 30_000 },
    ).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect(failure?.stderr).toMatch(/^health check: rpc error: code = Internal/);
  });

  it("finds a Go service registered with etcd's endpoints manager, and calls it through etcd:///<service>", async () => {
    const address = await spawnGreeter([]);
    const go = spawnTracked(
      join(bin, 'register-endpoint'),
      [
        '-etcd',
        cluster.endpoints.join(','),
        '-target',
        'flotilla/services/gosvc',
        '-key',
        'go-1',
        '-addr',
        address,
        '-metadata',
        'go-meta',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    children.push(go);
    const output = captureOutput(go);
    await waitFor(() => output().includes('registered'), {
      timeoutMs: 10_000,
      what: `the Go registrar: ${output()}`,
    });

    expect(await discovery.list('gosvc')).toEqual([
      {
        service: 'gosvc',
        instanceId: 'go-1',
        address,
        metadata: { value: 'go-meta' },
        key: 'flotilla/services/gosvc/go-1',
        revision: expect.stringMatching(/^\d+$/),
      },
    ]);
    const client = new GreeterClient('etcd:///gosvc', credentials.createInsecure());
    try {
      const reply = await new Promise<HelloReply>((resolve, reject) =>
        client.sayHello(
          { name: 'node', count: 0 },
          new Metadata(),
          { deadline: new Date(Date.now() + 5000) },
          (e: ServiceError | null, r: HelloReply) => (e ? reject(e) : resolve(r)),
        ),
      );
      expect(reply.message).toBe('Hello node');
    } finally {
      client.close();
    }

    // Closing its stdin makes the Go side revoke its lease; Flotilla sees the endpoint go.
    let latest = ['go-1'];
    const unsubscribe = discovery.subscribe('gosvc', (set) => (latest = set.map((e) => e.instanceId)));
    go.stdin?.end();
    expect(await exited(go)).toEqual({ code: 0, signal: null });
    await waitFor(() => latest.length === 0, { timeoutMs: 2000, what: 'the Go endpoint to disappear' });
    unsubscribe();
  });
});
