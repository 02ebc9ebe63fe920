import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exited, freePort } from '@flotilla/testing';
import { FLEET, FleetRun, greeterService, HELLO } from './support/fleet-harness.js';

const run = promisify(execFile);

describe('npm run fleet (tools/fleet from dist/, on flotilla-store)', () => {
  let fleet: FleetRun | undefined;
  afterEach(async () => {
    await fleet?.teardown();
    fleet = undefined;
  });

  it('starts 3 store members and the definition’s greeters, publishes its state, answers hello, and stops everything on SIGINT', async () => {
    fleet = new FleetRun({ services: [greeterService(2)] });
    fleet.start(['--no-dashboard']);
    const state = await fleet.ready();
    expect(state.store.map((m) => [m.name, m.state])).toEqual([
      ['store-1', 'running'],
      ['store-2', 'running'],
      ['store-3', 'running'],
    ]);
    expect(state.services['greeter']?.map((i) => [i.instanceId, i.state, i.restarts])).toEqual([
      ['greeter-1', 'running', 0],
      ['greeter-2', 'running', 0],
    ]);
    expect(state.control).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(state).toMatchObject({ dashboard: null, gateway: null, pid: fleet.child!.pid });
    expect(fleet.alive()).toHaveLength(5);
    expect(fleet.output()).toMatch(
      /registry \(flotilla-store\): http:\/\/127\.0\.0\.1:\d+(,http:\/\/127\.0\.0\.1:\d+){2}/,
    );
    const events = readFileSync(join(fleet.stateDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; instance: string });
    expect(events.map((e) => `${e.kind} ${e.instance}`)).toEqual([
      'start store-1',
      'start store-2',
      'start store-3',
      'start greeter-1',
      'start greeter-2',
    ]);

    // hello knows no address: it reads the fleet's registry endpoints and resolves etcd:///greeter.
    const { stdout } = await run(process.execPath, [HELLO, 'Ada', '--state-dir', fleet.stateDir]);
    expect(stdout.trim()).toBe('Hello Ada');

    expect(await fleet.stop('SIGINT')).toEqual({ code: 0, signal: null });
    const output = fleet.output();
    expect(output).toContain('stopped; nothing left running.');
    // Services stop before the store, so that they can deregister.
    expect(output.indexOf('stopping greeter')).toBeLessThan(output.indexOf('stopping flotilla-store'));
    expect(fleet.alive()).toEqual([]);
    for (const id of ['greeter-1', 'greeter-2']) {
      const log = readFileSync(join(fleet.stateDir, 'logs', `${id}.log`), 'utf8');
      expect(log).toContain(`lease revoked, flotilla/services/greeter/${id} deleted`);
      expect(log).not.toContain('revoke failed');
    }
    expect(output).not.toContain('\u001b[');
  });

  it('stops with what to do, and tears down the store it started, when a fixed port is taken', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      fleet = new FleetRun({ services: [greeterService(2, { port: { mode: 'fixed', base: port } })] });
      const child = fleet.start(['--no-dashboard']);
      expect(await exited(child)).toEqual({ code: 1, signal: null });
      const output = fleet.output();
      expect(output).toContain(
        `cannot listen on 127.0.0.1:${port}: port already in use (wanted by greeter-1)`,
      );
      expect(output).toContain(`change the port of "greeter" in ${fleet.definitionFile}`);
      expect(output).toContain('stopping flotilla-store (store-1, store-2, store-3)');
      expect(fleet.alive()).toEqual([]);
      expect(output).not.toContain('\u001b[');
    } finally {
      blocker.close();
    }
  });

  it('stops before starting anything on a broken definition, naming every mistake', async () => {
    fleet = new FleetRun({
      store: { members: 4 },
      services: [greeterService(0, { dependsOn: ['translator'] }), { name: 'gateway', main: 'x.js' }],
    });
    const child = fleet.start();
    expect(await exited(child)).toEqual({ code: 1, signal: null });
    const output = fleet.output();
    expect(output).toContain(`${fleet.definitionFile}: invalid fleet definition:`);
    expect(output).toContain('store.members: must be odd');
    expect(output).toContain('services.0.instances: Too small');
    expect(output).toContain('services.0.dependsOn.0: "translator" is not a service of this fleet');
    expect(output).toContain('services.1.project:');
    expect(output).toContain('services.1.instances:');
    expect(output).toContain(`Fix ${fleet.definitionFile} and run npm run fleet again.`);
    expect(output).not.toContain('starting');
  });

  it('says what to build when a service is not built', async () => {
    fleet = new FleetRun({
      services: [
        { ...greeterService(1), name: 'orders', project: 'orders', main: 'apps/orders/dist/main.js' },
      ],
    });
    const child = fleet.start();
    expect(await exited(child)).toEqual({ code: 1, signal: null });
    expect(fleet.output()).toContain(
      'orders: apps/orders/dist/main.js does not exist; build it with npx nx run orders:build',
    );
  });

  it('rejects bad arguments with usage, exit code 2', async () => {
    const failure = await run(process.execPath, [FLEET, '--start-timeout-ms', '0']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain(
      "option '--start-timeout-ms <ms>' argument '0' is invalid. must be an integer from 1000 to 600000.",
    );
    expect((failure as { stderr: string }).stderr).toContain('Usage: npm run fleet --');
  });
});
