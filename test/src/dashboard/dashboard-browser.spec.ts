import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Etcd3 } from 'etcd3';
import { type Browser, chromium, type Page } from 'playwright-core';
import { control, type FleetRun, FLOTILLA_CLI, sampleFleet, startFleetRun } from './support/fleet-run.js';

const run = promisify(execFile);

/** Screenshots of each step, kept as test artifacts (gitignored; see tools/fleet/DASHBOARD.md). */
const ARTIFACTS = fileURLToPath(new URL('../../artifacts/dashboard/', import.meta.url));

const DEFINITION = sampleFleet(3, [
  { name: 'translator', instances: 1, dependsOn: [] },
  { name: 'greeter', instances: 2, dependsOn: ['translator'] },
  { name: 'gateway', kind: 'http', instances: 1, dependsOn: ['greeter'] },
]);

/** Calls the gateway's example route back to back until `stop()`; resolves with how many answered 200. */
function callGateway(gateway: string): { stop(): Promise<number> } {
  const calling = { on: true };
  let ok = 0;
  const calls = (async () => {
    while (calling.on) {
      await fetch(`${gateway}/hello/Ada?lang=fr`, { signal: AbortSignal.timeout(5000) })
        .then(async (r) => {
          if (r.status === 200) ok += 1;
          await r.body?.cancel();
        })
        .catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      calling.on = false;
      await calls;
      return ok;
    },
  };
}

/** The store member that leads, as the members themselves say (Maintenance.Status). */
async function storeLeader(fleet: FleetRun): Promise<string | undefined> {
  for (const member of fleet.state().store) {
    const client = new Etcd3({ hosts: member.address, dialTimeout: 1000 });
    try {
      const status = await client.maintenance.status();
      if (status.leader !== '0' && status.leader === status.header.member_id) return member.name;
    } catch {
      // Not answering: ask the next.
    } finally {
      client.close();
    }
  }
  return undefined;
}

// The live dashboard in Debian's Chromium, over a real reduced fleet: a person's view of it.
describe('the live dashboard, in a browser', () => {
  let fleet: FleetRun | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    fleet = await startFleetRun(DEFINITION);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox'],
    });
    // A laptop screen.
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  }, 200_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
  }, 60_000);

  it('shows every service with its instances, and the store leader', async () => {
    const state = fleet!.state();
    expect(state.dashboard).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await page.goto(state.dashboard!);
    await page.locator('#connection[data-status="live"]').waitFor({ timeout: 5000 });
    for (const [service, instances] of Object.entries(state.services)) {
      await page.locator(`[data-service="${service}"]`).waitFor({ timeout: 5000 });
      for (const i of instances)
        await page
          .locator(`tr[data-instance="${i.instanceId}"][data-state="running"]`)
          .first()
          .waitFor({ timeout: 5000 });
    }
    // Health checks and the registry watch answer within a poll or two.
    await page
      .locator('[data-service="greeter"] tr[data-instance][data-health="serving"][data-registered="true"]')
      .nth(1)
      .waitFor({ timeout: 5000 });

    // Each registration's lease, with its time to live (seconds left of what was granted).
    const ttl = await page
      .locator('[data-service="greeter"] tr[data-instance]')
      .first()
      .getAttribute('data-lease-ttl');
    expect(Number(ttl)).toBeGreaterThan(0);
    expect(await page.locator('[data-service="greeter"] tr[data-instance]').first().textContent()).toMatch(
      /\d+s \/ \d+s/,
    );

    // Every member answers with its term and its lag behind the leader.
    for (const member of state.store)
      await page
        .locator(`tr[data-member="${member.name}"][data-reachable="true"]:not([data-lag=""])`)
        .waitFor({ timeout: 5000 });
    const leader = await storeLeader(fleet!);
    expect(leader).toMatch(/^store-\d$/);
    await page.locator(`tr[data-member="${leader}"][data-leader="true"]`).waitFor({ timeout: 5000 });
    expect(await page.locator('#store-leader').textContent()).toBe(leader);
    await page.screenshot({ path: `${ARTIFACTS}01-fleet.png` });
  });

  it("charts requests, errors and p99 for every service from the service's own figures", async () => {
    const state = fleet!.state();
    // The fleet gives each gRPC instance a Prometheus endpoint (@flotilla/telemetry), the gateway none.
    for (const service of ['greeter', 'translator'])
      for (const i of state.services[service] ?? [])
        expect(i.metrics, i.instanceId).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(state.services['gateway']?.[0]?.metrics).toBeUndefined();

    const calls = callGateway(state.gateway!);
    let answered = 0;
    try {
      // Each series gets points once its service served calls in two successive polls.
      await page
        .locator('#chart-rate[data-active~="gateway"][data-active~="greeter"][data-active~="translator"]')
        .waitFor({ timeout: 15_000 });
      await page
        .locator('#chart-latency[data-active~="gateway"][data-active~="greeter"][data-active~="translator"]')
        .waitFor({ timeout: 5000 });
      // Nothing failed: the error series are there, all at zero.
      await page
        .locator('#chart-errors[data-series~="greeter"][data-series~="translator"]')
        .waitFor({ timeout: 5000 });
      expect(await page.locator('#chart-errors').getAttribute('data-active')).toBe('');
      await page.screenshot({ path: `${ARTIFACTS}02-charts.png` });
    } finally {
      answered = await calls.stop();
    }
    expect(answered).toBeGreaterThan(0);
    // The translator's own endpoint counts what it served.
    const translator = state.services['translator']?.[0]?.metrics;
    const text = await (await fetch(translator!)).text();
    expect(text).toMatch(
      /^rpc_server_call_duration_seconds_count\{[^}]*rpc_method="translator\.v1\.Translator\/Translate"[^}]*\} [1-9]/m,
    );
  });

  it('shows a killed instance within 2 s', async () => {
    await control(fleet!, '/api/instances/greeter-2/kill');
    const killed = Date.now();
    await page
      .locator('tr[data-instance="greeter-2"][data-state="killed"]')
      .first()
      .waitFor({ timeout: 2000 });
    expect(Date.now() - killed).toBeLessThanOrEqual(2000);
    await page.locator('#feed li[data-kind="kill"]').first().waitFor({ timeout: 2000 });
    await page.screenshot({ path: `${ARTIFACTS}03-killed.png` });
  });

  it('shows the breaker open once the translator is made to fail', async () => {
    const state = fleet!.state();
    await run(process.execPath, [
      FLOTILLA_CLI,
      'config',
      'set',
      'translator',
      'mode',
      '"failing"',
      '--endpoints',
      state.registry.join(','),
    ]);
    // Breakers open on failed calls: keep calling the gateway until the page shows one open.
    const calls = callGateway(state.gateway!);
    try {
      await page.locator('tr[data-endpoint][data-breaker="open"]').first().waitFor({ timeout: 20_000 });
      await page.locator('#feed li[data-kind="breaker"]').first().waitFor({ timeout: 3000 });
      // The translator's own figures: its calls now end UNAVAILABLE.
      await page.locator('#chart-errors[data-active~="translator"]').waitFor({ timeout: 5000 });
      await page.screenshot({ path: `${ARTIFACTS}04-breaker-open.png` });
    } finally {
      await calls.stop();
    }
  });
});
