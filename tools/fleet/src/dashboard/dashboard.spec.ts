import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
