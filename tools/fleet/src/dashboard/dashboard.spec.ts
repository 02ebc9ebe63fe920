import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectorMessage } from './collector.js';
import { type RunningDashboard, startDashboard } from './index.js';

/** Reads server-sent events from `url` until `until` accepts one (or the timeout). */
async function readEvents(
  url: string,
  until: (m: CollectorMessage) => boolean,
  timeoutMs: number,
): Promise<CollectorMessage[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: CollectorMessage[] = [];
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        const message = JSON.parse(data.slice(6)) as CollectorMessage;
        seen.push(message);
        if (until(message)) return seen;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

// The dashboard over a fleet that exists only as files: what it reads from the state dir reaches
// the page, and changes to those files are pushed at once.
describe('startDashboard', () => {
  let stateDir: string;
  let dashboard: RunningDashboard | undefined;
  const state = (greeter1: string) => ({
    pid: process.pid,
    registry: [],
    control: null,
    dashboard: null,
    gateway: null,
    store: [],
    // Port 1 on loopback: nothing listens, so health checks say unreachable.
    services: {
      greeter: [
        { instanceId: 'greeter-1', address: '127.0.0.1:1', pid: 11, state: greeter1 },
        { instanceId: 'greeter-2', address: '127.0.0.1:1', pid: 12, state: 'running' },
      ],
    },
  });

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'flotilla-dashboard-'));
    writeFileSync(join(stateDir, 'fleet.json'), JSON.stringify(state('running')));
  });
  afterEach(async () => {
    await dashboard?.close();
    dashboard = undefined;
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('serves the page, its script and the charting library on 127.0.0.1', async () => {
    dashboard = await startDashboard({ stateDir });
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(dashboard.url);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<script src="/app.js">');
    for (const path of ['app.js', 'style.css', 'vendor/uPlot.iife.min.js', 'vendor/uPlot.min.css'])
      expect((await fetch(new URL(path, dashboard.url))).status, path).toBe(200);
    expect((await fetch(new URL('nope', dashboard.url))).status).toBe(404);
    expect((await fetch(dashboard.url, { method: 'POST' })).status).toBe(405);
  });

  it('sends the fleet at once, then pushes a killed instance and its event within a second', async () => {
    dashboard = await startDashboard({ stateDir });
    const events = new URL('events', dashboard.url).toString();
    const [init] = await readEvents(events, (m) => m.type === 'init', 5000);
    expect(init?.type).toBe('init');
    const greeter = init?.snapshot.services.find((s) => s.name === 'greeter');
    expect(greeter?.instances.map((i) => [i.instanceId, i.state, i.health])).toEqual([
      ['greeter-1', 'running', 'unreachable'],
      ['greeter-2', 'running', 'unreachable'],
    ]);

    const seen = readEvents(
      events,
      (m) => m.type === 'update' && m.events.some((e) => e.kind === 'kill'),
      5000,
    );
    // Let the stream open before the change.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const killedAt = Date.now();
    writeFileSync(join(stateDir, 'fleet.json'), JSON.stringify(state('killed')));
    appendFileSync(
      join(stateDir, 'events.jsonl'),
      `${JSON.stringify({ at: killedAt, kind: 'kill', instance: 'greeter-1', service: 'greeter', detail: 'SIGKILL' })}\n`,
    );
    const last = (await seen).at(-1);
    expect(Date.now() - killedAt).toBeLessThan(1000);
    expect(last?.snapshot.services[0]?.instances[0]).toMatchObject({
      instanceId: 'greeter-1',
      state: 'killed',
    });
    // A killed instance is not health-checked: its state says it all.
    expect(last?.snapshot.services[0]?.instances[0]?.health).toBeUndefined();
  });

  it("charts a gRPC service from its instances' metrics, and names an instance whose metrics do not answer", async () => {
    // A stand-in for @flotilla/telemetry's endpoint: 20 more calls at each scrape, one in ten failed.
    let scrapes = 0;
    const metrics: Server = createServer((_request, response) => {
      scrapes += 1;
      const total = 20 * scrapes;
      const labels = (status: string) =>
        `rpc_system_name="grpc",rpc_method="helloworld.v1.Greeter/SayHello",rpc_response_status_code="${status}"`;
      response.end(
        [
          '# TYPE rpc_server_call_duration_seconds histogram',
          `rpc_server_call_duration_seconds_count{${labels('OK')}} ${total * 0.9}`,
          `rpc_server_call_duration_seconds_bucket{${labels('OK')},le="0.005"} ${total * 0.9}`,
          `rpc_server_call_duration_seconds_bucket{${labels('OK')},le="+Inf"} ${total * 0.9}`,
          `rpc_server_call_duration_seconds_count{${labels('UNAVAILABLE')}} ${total * 0.1}`,
          `rpc_server_call_duration_seconds_bucket{${labels('UNAVAILABLE')},le="0.005"} ${total * 0.1}`,
          `rpc_server_call_duration_seconds_bucket{${labels('UNAVAILABLE')},le="+Inf"} ${total * 0.1}`,
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}/metrics`;
      // A port nothing listens on (fetch refuses port 1 outright, as a "bad port").
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const refused = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/metrics`;
      await new Promise((resolve) => closed.close(resolve));
      const fleet = state('running');
      const [first, second] = fleet.services.greeter;
      const greeters = [
        { ...first, metrics: url },
        { ...second, metrics: refused },
      ];
      writeFileSync(
        join(stateDir, 'fleet.json'),
        JSON.stringify({ ...fleet, services: { greeter: greeters } }),
      );
      dashboard = await startDashboard({ stateDir, pollMs: 250 });
      const seen = await readEvents(
        new URL('events', dashboard.url).toString(),
        (m) => m.type === 'update' && m.point?.services['greeter'] !== undefined,
        5000,
      );
      const last = seen.at(-1);
      const greeter = last?.type === 'update' ? last.point?.services['greeter'] : undefined;
      // 20 calls per scrape, one in ten failed; all within 5 ms, so the p99 is inside the first bucket.
      expect(greeter?.rate).toBeGreaterThan(0);
      expect(greeter?.errors).toBeCloseTo((greeter?.rate ?? 0) / 10, 6);
      expect(greeter?.p99Ms).toBeGreaterThan(0);
      expect(greeter?.p99Ms).toBeLessThanOrEqual(5);
      expect(last?.snapshot.problems).toContain(`metrics: greeter-2: GET ${refused} failed: ECONNREFUSED`);
    } finally {
      await dashboard?.close();
      dashboard = undefined;
      await new Promise((resolve) => metrics.close(resolve));
    }
  });

  it('shows that no fleet runs when there is no fleet.json, and rejects a bad port', async () => {
    rmSync(join(stateDir, 'fleet.json'));
    dashboard = await startDashboard({ stateDir });
    const snapshot = (await (await fetch(new URL('api/snapshot', dashboard.url))).json()) as {
      fleet?: unknown;
      services: unknown[];
    };
    expect(snapshot.fleet).toBeUndefined();
    expect(snapshot.services).toEqual([]);
    await expect(startDashboard({ stateDir, port: 70000 })).rejects.toThrow(/port must be an integer/);
  });
});
