import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDiscovery } from '@flotilla/discovery';
import { createClient, type ProtoSchema, type ServiceShape } from '@flotilla/rpc';
import { isProcessAlive, waitFor } from '@flotilla/testing';
import { type ForegroundJob, startForegroundJob } from '../test-support/foreground-job.js';
import { FleetWatch } from '../test-support/fleet-watch.js';
import { acceptsConnections, killAll, processesIn } from '../test-support/leftovers.js';
import { killRunningCommands, runCommand } from '../test-support/run-command.js';
import { copyWorkspace } from '../test-support/workspace-copy.js';

const WORKSPACE = fileURLToPath(new URL('../../../../', import.meta.url));
const SERVICE = 'e2e-orders';

/**
 * The root README's walk-through as a new user follows it, in a copy of this workspace (generating
 * a service changes the tree): `npm run fleet`, the example call it prints, `nx g
 * @flotilla/generators:service` while the fleet runs, the new service joining the running fleet
 * (`npm run fleet -- scale`), a call to it by name through discovery, its generated test, then
 * Ctrl-C, after which no process of the copy is left and none of the fleet's ports listens.
 * Along the way, the generators' end-to-end checks: --dry-run writes nothing, a reserved name is
 * refused, the generated files pass buf lint and Prettier, and the service lints and typechecks.
 * The steps share the copy and the fleet, and run in order.
 */
describe('the README walk-through, end to end in a copy of the workspace', () => {
  let copy: string | undefined;
  let stateDir = '';
  let fleet: ForegroundJob | undefined;
  let watch: FleetWatch | undefined;
  let ready = false;

  /** Runs a command in the copy; a failure shows what it printed. */
  async function inCopy(command: string, args: string[], timeoutMs = 300_000): Promise<string> {
    const result = await runCommand(command, args, { cwd: copy!, timeoutMs });
    if (result.code !== 0) {
      throw new Error(
        `${command} ${args.join(' ')} failed (${result.code ?? result.signal}):\n${result.output}`,
      );
    }
    return result.output;
  }

  /** A fleet subcommand from "a second terminal", as the README writes it (npm run fleet -- ...). */
  const fleetCommand = (...args: string[]) =>
    inCopy('npm', ['run', 'fleet', '--', ...args, '--state-dir', stateDir], 600_000);

  /** The running fleet; a step that needs it fails at once if an earlier step did not start it. */
  const running = (): { fleet: ForegroundJob; watch: FleetWatch } => {
    if (!fleet || !watch || !ready) throw new Error('the fleet is not running (an earlier step failed)');
    return { fleet, watch };
  };

  beforeAll(async () => {
    copy = copyWorkspace(WORKSPACE);
    // The README's fleet.json serves the gateway on 127.0.0.1:8080, which a developer's own fleet
    // (or any other program) may hold on this machine. A port picked now could be taken by the time
    // the build is done, minutes later, so the copy's gateway takes a free one when it starts.
    const definition = join(copy, 'fleet.json');
    const text = readFileSync(definition, 'utf-8');
    const fixed = /"port": \{ "mode": "fixed", "base": 8080 \}/g;
    expect(text.match(fixed)).toHaveLength(1);
    writeFileSync(definition, text.replace(fixed, '"port": { "mode": "free" }'));
    // In the copy's tmp/ (git-ignored, so Nx ignores it too); the copy's removal takes it along.
    stateDir = join(copy, 'tmp/walkthrough-fleet');
  });

  afterAll(async () => {
    killRunningCommands();
    watch?.stop();
    // After a failure: the fleet first (so it starts nothing more), then every process it published
    // (each leads its own process group), then anything else still running from the copy.
    fleet?.kill();
    for (const pid of watch?.pids ?? []) killAll([-pid, pid]);
    if (copy) {
      killAll(processesIn(copy).map((p) => p.pid));
      rmSync(copy, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
  });

  it('--dry-run lists the files and writes none; a reserved name is refused with the tree untouched', async () => {
    const dry = await inCopy('npx', [
      'nx',
      'g',
      '@flotilla/generators:service',
      'e2e-dry',
      '--no-interactive',
      '--dry-run',
    ]);
    expect(dry).toContain('CREATE apps/e2e-dry/src/main.ts');
    expect(dry).toContain('CREATE proto/e2e_dry/v1/e2e_dry.proto');
    expect(dry).toContain('UPDATE fleet.json');
    expect(existsSync(join(copy!, 'apps/e2e-dry'))).toBe(false);
    expect(existsSync(join(copy!, 'proto/e2e_dry'))).toBe(false);

    const fleetBefore = readFileSync(join(copy!, 'fleet.json'), 'utf-8');
    const refused = await runCommand(
      'npx',
      ['nx', 'g', '@flotilla/generators:service', 'store', '--no-interactive'],
      { cwd: copy!, timeoutMs: 120_000 },
    );
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('service name "store" is reserved');
    expect(existsSync(join(copy!, 'apps/store/src/store.module.ts'))).toBe(false);
    expect(readFileSync(join(copy!, 'fleet.json'), 'utf-8')).toBe(fleetBefore);
  }, 240_000);

  it('npm run fleet: builds, starts the README fleet and prints an example call that answers', async () => {
    fleet = startForegroundJob('npm', ['run', 'fleet', '--', '--state-dir', stateDir], copy!);
    watch = new FleetWatch(stateDir);
    const job = fleet;
    // It builds the copy from scratch (no dist, no Nx cache) before starting anything.
    await job.waitForOutput('fleet ready', 900_000);
    ready = true;
    const state = watch.state();
    expect(
      Object.fromEntries(Object.entries(state.services).map(([name, list]) => [name, list.length])),
    ).toEqual({ translator: 2, greeter: 3, gateway: 1 });
    expect(state.store).toHaveLength(3);

    // The line to paste into another terminal, as printed.
    const example = /^\[fleet\]\s+curl '([^']+)'$/m.exec(job.output())?.[1];
    expect(state.gateway).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(example).toBe(`${state.gateway}/hello/Ada?lang=fr`);
    const reply = await fetch(example!);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ message: 'Bonjour Ada' });
  }, 960_000);

  it('a service generated while the fleet runs joins it (npm run fleet -- scale) and answers by name through discovery', async () => {
    const { fleet: job, watch: published } = running();
    await inCopy('npx', [
      'nx',
      'g',
      '@flotilla/generators:service',
      SERVICE,
      '--no-interactive',
      // The README's command runs npm install: the copy's node_modules links into this workspace's,
      // which an install there would rewrite. The copy links its @flotilla packages itself.
      '--skipInstall',
    ]);
    // A client too, so the client generator's edits are compiled and linted along with the service.
    await inCopy('npx', [
      'nx',
      'g',
      '@flotilla/generators:client',
      'greeter',
      '--in',
      SERVICE,
      '--no-interactive',
    ]);
    const definition = JSON.parse(readFileSync(join(copy!, 'fleet.json'), 'utf-8')) as {
      services: { name: string }[];
    };
    expect(definition.services.at(-1)).toEqual({
      name: SERVICE,
      project: SERVICE,
      main: `apps/${SERVICE}/dist/main.js`,
      instances: 1,
      port: { mode: 'free' },
      dependsOn: [],
    });
    await inCopy('npm', ['run', 'buf:lint']);
    await inCopy('npx', [
      'prettier',
      '--check',
      `apps/${SERVICE}`,
      'proto',
      'libs/proto/src/index.ts',
      'fleet.json',
    ]);

    // The fleet started before the service existed: scale re-reads fleet.json, builds the new
    // project (it is stale: never built) and waits until its instance is registered.
    expect(existsSync(join(copy!, `apps/${SERVICE}/dist/main.js`))).toBe(false);
    const scaled = await fleetCommand('scale', SERVICE, '1');
    expect(scaled).toContain(`${SERVICE}: 1 instance(s): ${SERVICE}-1 running`);
    expect(job.output()).toContain(`[fleet] ${SERVICE} scale: joined the running fleet from fleet.json`);
    const status = await fleetCommand('status');
    expect(status).toMatch(
      new RegExp(`^${SERVICE}-1\\s+running\\s+\\d+\\s+127\\.0\\.0\\.1:\\d+\\s+0\\s`, 'm'),
    );
    expect(status).toMatch(/^greeter-3\s+running\s/m);

    // By name, through the fleet's registry, with the copy's @flotilla/proto (built with the new service).
    const state = published.state();
    const [instance] = state.services[SERVICE] ?? [];
    const discovery = await createDiscovery({ endpoints: state.registry });
    try {
      expect(await discovery.list(SERVICE)).toEqual([
        expect.objectContaining({ instanceId: `${SERVICE}-1`, address: instance?.address }),
      ]);
      const proto = (await import(pathToFileURL(join(copy!, 'libs/proto/dist/index.js')).href)) as Record<
        string,
        unknown
      >;
      const service = (proto['e2eOrdersV1'] as Record<string, ServiceShape>)['E2eOrdersService']!;
      const client = createClient(service, `etcd:///${SERVICE}`, {
        discovery,
        schemas: [proto['e2eOrdersSchema'] as ProtoSchema],
      }) as unknown as { echo(request: { text: string }): Promise<{ text: string }>; $close(): void };
      try {
        expect(await client.echo({ text: 'through discovery' })).toEqual({ text: 'through discovery' });
      } finally {
        client.$close();
      }
    } finally {
      await discovery.close();
    }
  }, 900_000);

  it('the generated service lints, typechecks and passes its own tests (npx nx run <name>:test)', async () => {
    const run = await inCopy(
      'npx',
      ['nx', 'run-many', '-t', 'build', 'lint', 'typecheck', 'test', '-p', SERVICE, '--outputStyle=static'],
      900_000,
    );
    // The generated specs ran: the controller's and the one against flotilla-store.
    expect(run).toMatch(/Test Files\s+2 passed/);
  }, 960_000);

  it('Ctrl-C stops the fleet, the new service first and the store last, leaving no process and no open port', async () => {
    const { fleet: job, watch: published } = running();
    const state = published.state();
    const instance = state.services[SERVICE]?.[0];
    expect(instance && isProcessAlive(instance.pid)).toBe(true);

    job.interrupt();
    // npm may be gone before the fleet it started: wait for the fleet itself.
    await job.exited;
    await waitFor(() => !isProcessAlive(state.pid), {
      timeoutMs: 90_000,
      what: `the fleet (pid ${state.pid}) to exit after Ctrl-C`,
    });
    published.stop();
    const output = job.output();
    expect(output, output.slice(-4000)).toContain('stopped; nothing left running.');
    // One Ctrl-C is one stop in order: not the "second Ctrl-C" that kills everything at once.
    expect(output).not.toContain('again: killing everything now');
    const order = [SERVICE, 'gateway', 'greeter', 'translator', 'flotilla-store'].map((layer) =>
      output.indexOf(`stopping ${layer} (`),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Gracefully: it deregistered itself while the store still ran.
    expect(readFileSync(instance!.logFile, 'utf-8')).toContain(
      `lease revoked, flotilla/services/${SERVICE}/${SERVICE}-1 deleted`,
    );

    expect(existsSync(join(stateDir, 'fleet.json'))).toBe(false);
    expect([...published.pids].filter(isProcessAlive)).toEqual([]);
    expect(processesIn(copy!)).toEqual([]);
    const open: string[] = [];
    for (const address of published.addresses) if (await acceptsConnections(address)) open.push(address);
    expect(open).toEqual([]);
  }, 120_000);
});
