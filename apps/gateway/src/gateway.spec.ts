import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { type EtcdCluster, exited, freePort, startEtcdCluster, stopChild, waitFor } from '@flotilla/testing';
import type { GatewayStats } from './stats/stats.controller.js';
import { GATEWAY_MAIN, GREETER_MAIN, SampleFleet, TRANSLATOR_MAIN } from './test-support/sample-fleet.js';

const run = promisify(execFile);

describe('gateway over HTTP in front of real greeter and translator processes (flotilla-store)', () => {
  let cluster: EtcdCluster;
  let discovery: Discovery;
  let fleet: SampleFleet;
  let gatewayUrl: string;

  const get = async (path: string) => {
    const response = await fetch(`${gatewayUrl}${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary: 'flotilla-store', size: 1 });
    discovery = await createDiscovery({ endpoints: cluster.endpoints });
    fleet = new SampleFleet(cluster.endpoints);
    await Promise.all([
      fleet.start(TRANSLATOR_MAIN, 'translator', 'translator-1'),
      fleet.start(GREETER_MAIN, 'greeter', 'greeter-1'),
      fleet.start(GREETER_MAIN, 'greeter', 'greeter-2'),
    ]);
    await waitFor(
      async () =>
        (await discovery.list('greeter')).length === 2 && (await discovery.list('translator')).length === 1,
      { timeoutMs: 30_000, what: `greeters and translator to register:\n${fleet.outputs()}` },
    );
    gatewayUrl = (await fleet.startGateway('gateway-1')).url;
  }, 180_000);

  afterAll(async () => {
    await discovery?.close();
    await fleet?.stopAll('SIGKILL');
    await cluster?.stop();
  });

  it('greets through the greeter, in French through the translator', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get('/hello/Ada')).toEqual({ status: 200, body: { message: 'Hello Ada' } });
    expect(await get('/hello/Ada?lang=fr')).toEqual({ status: 200, body: { message: 'Bonjour Ada' } });
    expect(await get(`/hello/${encodeURIComponent('Zoë Ø')}?lang=de`)).toEqual({
      status: 200,
      body: { message: 'Hallo Zoë Ø' },
    });
  });

  it('maps gRPC errors to HTTP: a bad name is 400, an unknown language 404, with the code and message', async () => {
    expect(await get(`/hello/${'n'.repeat(257)}`)).toEqual({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT', message: 'name must be at most 256 characters, got 257' } },
    });
    expect(await get('/hello/Ada?lang=xx')).toEqual({
      status: 404,
      body: {
        error: { code: 'NOT_FOUND', message: 'unknown language "xx" (known: en, fr, de, es, it, nl, pt)' },
      },
    });
    expect(await get('/hello/Ada?lang=fr&lang=de')).toEqual({
      status: 400,
      body: {
        error: { code: 'INVALID_ARGUMENT', message: 'lang must be given at most once, as one language code' },
      },
    });
    expect((await get('/nope')).status).toBe(404);
  });

  it('serves an OpenAPI 3 description of its routes and error statuses', async () => {
    const { status, body } = await get('/openapi.json');
    expect(status).toBe(200);
    const document = body as {
      openapi: string;
      paths: Record<string, { get: { parameters: { name: string }[]; responses: Record<string, unknown> } }>;
    };
    expect(document.openapi).toMatch(/^3\./);
    const hello = document.paths['/hello/{name}']!.get;
    expect(hello.parameters.map((p) => p.name).sort()).toEqual(['lang', 'name']);
    expect(Object.keys(hello.responses).sort()).toEqual(['200', '400', '404', '502', '503', '504']);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/healthz', '/_flotilla/stats']));
  });

  it("reports its HTTP counters and its greeter client's endpoints at /_flotilla/stats", async () => {
    const before = (await get('/_flotilla/stats')).body as GatewayStats;
    for (let i = 0; i < 10; i++) await get('/hello/Stats');
    const after = (await get('/_flotilla/stats')).body as GatewayStats;
    expect(after).toMatchObject({ service: 'gateway', instanceId: 'gateway-1' });
    expect(after.http.calls - before.http.calls).toBe(10);
    expect(after.http.byStatus['200']! - (before.http.byStatus['200'] ?? 0)).toBe(10);
    expect(after.http.p99Ms).toBeGreaterThan(0);
    expect(after.http.p50Ms).toBeLessThanOrEqual(after.http.p99Ms);
    const [greeter] = after.clients;
    expect(greeter).toMatchObject({ service: 'greeter', policy: 'p2c_ewma' });
    expect(greeter!.endpoints).toHaveLength(2);
    expect(greeter!.endpoints.every((e) => e.breaker === 'closed')).toBe(true);
  });

  it('a second gateway on the same port exits 1, naming the port', async () => {
    const port = new URL(gatewayUrl).port;
    const failure = await run(process.execPath, [
      GATEWAY_MAIN,
      ...['--port', port, '--registry', cluster.endpoints.join(',')],
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(
      `cannot listen on 127.0.0.1:${port}: port already in use`,
    );
  });

  it('answers 503 once no greeter is left, then stops gracefully on SIGTERM', async () => {
    for (const id of ['greeter-1', 'greeter-2']) {
      await stopChild(fleet.find(id).child, 'SIGTERM');
    }
    await waitFor(async () => (await discovery.list('greeter')).length === 0, {
      timeoutMs: 5000,
      what: 'the greeters to deregister',
    });
    const gone = await get('/hello/Ada');
    expect(gone.status).toBe(503);
    expect(gone.body).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    const stats = (await get('/_flotilla/stats')).body as GatewayStats;
    expect(stats.http.failed).toBeGreaterThanOrEqual(1);

    const gateway = fleet.find('gateway-1');
    const done = exited(gateway.child);
    gateway.child.kill('SIGTERM');
    const exit = await done;
    expect(exit, gateway.output()).toEqual({ code: 0, signal: null });
    expect(gateway.output()).toContain('shutdown server-closed');
  });
});

describe('gateway main: bad start-up', () => {
  it('exits 2 naming the missing registry, and 1 naming an unreachable one', async () => {
    const env = { ...process.env };
    delete env['FLOTILLA_REGISTRY'];
    const missing = await run(process.execPath, [GATEWAY_MAIN, '--port', '0'], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(missing).toMatchObject({ code: 2 });
    expect((missing as { stderr: string }).stderr).toContain(
      'registry (--registry or FLOTILLA_REGISTRY) is required',
    );

    const deadPort = await freePort();
    const unreachable = await run(process.execPath, [
      GATEWAY_MAIN,
      ...['--port', '0', '--registry', `http://127.0.0.1:${deadPort}`],
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(unreachable).toMatchObject({ code: 1 });
    expect((unreachable as { stderr: string }).stderr).toContain(
      `cannot start: etcd is unreachable: tried http://127.0.0.1:${deadPort}`,
    );
  });

  it('exits 2 for a bad flag, naming it', async () => {
    const failure = await run(process.execPath, [GATEWAY_MAIN, '--port', 'nope']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain(
      'port (--port or FLOTILLA_PORT) must be an integer from 0 to 65535, got "nope"',
    );
  });
});
