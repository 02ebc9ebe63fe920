import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureOutput, exited, isProcessAlive, spawnTracked, waitFor } from '@flotilla/testing';
import { FLEET, FleetRun, greeterService } from './support/fleet-harness.js';

/** The subcommands, from a second "terminal", against one running reduced fleet. */
describe('fleet subcommands against a running fleet', () => {
  let fleet: FleetRun;
  beforeAll(async () => {
    fleet = new FleetRun({ store: { members: 3 }, services: [greeterService(2)] });
    fleet.start(['--no-dashboard']);
    await fleet.ready();
  }, 90_000);
  afterAll(() => fleet.teardown(), 60_000);

  const instance = (id: string) => {
    const state = fleet.state();
    return [
      ...state.store.map((m) => ({ ...m, instanceId: m.name })),
      ...Object.values(state.services).flat(),
    ].find((i) => i.instanceId === id);
  };

  it('status: a table of every instance with its state, pid, address, restarts and uptime', async () => {
    const stdout = await fleet.ok('status');
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^INSTANCE\s+STATE\s+PID\s+ADDRESS\s+RESTARTS\s+UPTIME$/);
    for (const id of ['store-1', 'store-2', 'store-3', 'greeter-1', 'greeter-2']) {
      const { pid, address } = instance(id)!;
      expect(stdout).toMatch(
        new RegExp(`^${id}\\s+running\\s+${pid}\\s+${address.replace(/[.]/g, '\\.')}\\s+0\\s+\\d+s$`, 'm'),
      );
    }
    expect(stdout).toContain(`registry:  ${fleet.state().registry.join(',')}`);
  });

  it('kill: SIGKILLs an instance, which stays down; restart brings it back on its address', async () => {
    const before = instance('greeter-1')!;
    expect(await fleet.ok('kill', 'greeter-1')).toBe(
      `greeter-1 killed: killed (pid ${before.pid}, ${before.address})\n`,
    );
    expect(isProcessAlive(before.pid)).toBe(false);
    expect(instance('greeter-1')).toMatchObject({ state: 'killed', pid: before.pid });
    expect(await fleet.ok('status')).toMatch(/^greeter-1\s+killed\s+\d+\s+\S+\s+0\s+-$/m);

    await fleet.ok('restart', 'greeter-1');
    const after = instance('greeter-1')!;
    expect(after).toMatchObject({ state: 'running', restarts: 1, address: before.address });
    expect(after.pid).not.toBe(before.pid);
    expect(isProcessAlive(after.pid)).toBe(true);
    // Its log goes on in the same file.
    expect(readFileSync(after.logFile, 'utf8').split('lifecycle').length).toBeGreaterThan(2);
  });

  it('kill --restart of a store member: back with its data dir, the fleet still serves', async () => {
    const before = instance('store-2')!;
    await fleet.ok('kill', 'store-2', '--restart');
    const after = instance('store-2')!;
    expect(after).toMatchObject({ state: 'running', restarts: 1, address: before.address });
    expect(isProcessAlive(before.pid)).toBe(false);
    const events = readFileSync(join(fleet.stateDir, 'events.jsonl'), 'utf8');
    expect(events).toMatch(/"kind":"kill","instance":"store-2","service":"store"/);
    expect(events).toMatch(/"kind":"restart","instance":"store-2","service":"store"/);
  });

  it('scale: up starts and registers new instances, down stops the highest-numbered gracefully', async () => {
    const up = await fleet.ok('scale', 'greeter', '3');
    expect(up).toContain('greeter: 3 instance(s): greeter-1 running, greeter-2 running, greeter-3 running');
    const third = instance('greeter-3')!;
    expect(isProcessAlive(third.pid)).toBe(true);

    const down = await fleet.ok('scale', 'greeter', '2');
    expect(down).toContain('greeter: 2 instance(s): greeter-1 running, greeter-2 running');
    expect(isProcessAlive(third.pid)).toBe(false);
    expect(readFileSync(third.logFile, 'utf8')).toContain(
      'lease revoked, flotilla/services/greeter/greeter-3 deleted',
    );
  });

  it('pause and resume: SIGSTOP and SIGCONT', async () => {
    await fleet.ok('pause', 'greeter-2');
    const paused = instance('greeter-2')!;
    expect(paused.state).toBe('paused');
    // Signals arrive asynchronously: wait for the kernel to show it stopped (T), then running again.
    const stopped = () => /\) T /.test(readFileSync(`/proc/${paused.pid}/stat`, 'utf8'));
    await waitFor(stopped, { timeoutMs: 5000, what: 'greeter-2 stopped (T)' });
    await fleet.ok('resume', 'greeter-2');
    expect(instance('greeter-2')!.state).toBe('running');
    await waitFor(() => !stopped(), { timeoutMs: 5000, what: 'greeter-2 running again' });
  });

  it('logs: an instance’s log, or a service’s with each line labelled', async () => {
    const one = await fleet.ok('logs', 'greeter-2');
    expect(one).toContain('"service":"greeter"');
    expect(one).not.toMatch(/^greeter-2 \| /m);
    const all = await fleet.cli('logs', 'greeter');
    expect(all.stdout).toMatch(/^greeter-1 \| /m);
    expect(all.stdout).toMatch(/^greeter-2 \| /m);
    const none = await fleet.cli('logs', 'billing');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no log for "billing"');
  });

  it('logs -f: follows an instance’s log through a restart until Ctrl-C', async () => {
    const follower = spawnTracked(process.execPath, [
      FLEET,
      'logs',
      'greeter-2',
      '-f',
      '--state-dir',
      fleet.stateDir,
    ]);
    const output = captureOutput(follower);
    await waitFor(() => output().includes('"service":"greeter"'), {
      timeoutMs: 10_000,
      what: 'the log so far',
    });
    const before = output().length;
    await fleet.ok('restart', 'greeter-2');
    const { pid } = instance('greeter-2')!;
    // The new process's lines, appended to the same file, arrive while following.
    await waitFor(() => output().slice(before).includes(`"pid":${pid}`), {
      timeoutMs: 10_000,
      what: `lines of the restarted greeter-2 (pid ${pid}); got:\n${output().slice(before)}`,
    });
    const done = exited(follower);
    follower.kill('SIGINT');
    expect(await done).toEqual({ code: 0, signal: null });
  });

  it('refuses what makes no sense, naming the problem', async () => {
    expect(await fleet.cli('kill', 'greeter-9')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no instance "greeter-9" in this fleet (it has store-1'),
    });
    expect(await fleet.cli('resume', 'greeter-1')).toMatchObject({
      code: 1,
      stderr: 'greeter-1 is running, not paused\n',
    });
    expect(await fleet.cli('scale', 'store', '5')).toMatchObject({ code: 1 });
    expect(await fleet.cli('scale', 'greeter', 'many')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("command-argument value 'many' is invalid for argument 'n'"),
    });
  });

  it('scale of a service added to the definition file since the start: it joins the running fleet', async () => {
    // In neither the fleet nor the file: a 404 naming both.
    const unknown = await fleet.cli('scale', 'translator', '1');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      `no service "translator" in this fleet (it has greeter) nor in ${fleet.definitionFile}`,
    );

    // As the service generator appends it while the fleet runs (built already: the fleet runs --no-build).
    const translator = greeterService(1, {
      name: 'translator',
      project: 'translator',
      main: 'apps/translator/dist/main.js',
    });
    writeFileSync(
      fleet.definitionFile,
      JSON.stringify({ store: { members: 3 }, services: [greeterService(2), translator] }),
    );
    expect(await fleet.ok('scale', 'translator', '1')).toContain(
      'translator: 1 instance(s): translator-1 running',
    );
    const joined = instance('translator-1')!;
    expect(joined.state).toBe('running');
    expect(isProcessAlive(joined.pid)).toBe(true);
    expect(fleet.output()).toContain('translator scale: joined the running fleet from');
    expect(await fleet.ok('status')).toMatch(/^translator-1\s+running\s/m);
  });

  it('stop: stops the fleet in order and waits until nothing is left', async () => {
    const pids = fleet.alive();
    expect(pids.length).toBeGreaterThanOrEqual(5);
    expect(await fleet.ok('stop')).toContain('stopped; nothing left running.');
    expect(fleet.child!.exitCode).toBe(0);
    expect(pids.filter(isProcessAlive)).toEqual([]);
    expect(fleet.output()).toContain('stopping (fleet stop)');

    // Nothing runs any more: a clear message, exit 1.
    const after = await fleet.cli('status');
    expect(after.code).toBe(1);
    expect(after.stderr).toContain(`no fleet is running from ${fleet.stateDir}`);
  });
});
