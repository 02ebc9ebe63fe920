import { execFile, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  captureOutput,
  exited,
  freePort,
  isProcessAlive,
  spawnTracked,
  stopChild,
  waitFor,
} from '@flotilla/testing';

const run = promisify(execFile);
const FLEET = fileURLToPath(new URL('../../../tools/fleet/dist/main.js', import.meta.url));
const HELLO = fileURLToPath(new URL('../../../tools/fleet/dist/hello.js', import.meta.url));

function memberPids(output: string): Record<string, number> {
  const pids: Record<string, number> = {};
  for (const match of output.matchAll(/\[fleet\] (\w+)\s+\S+\s+\(pid (\d+)\)/g))
    pids[match[1]!] = Number(match[2]);
  return pids;
}

describe('npm run fleet (tools/fleet from dist/)', () => {
  let fleet: ChildProcess | undefined;
  afterEach(async () => {
    // The fleet leads its own process group: if a test failed with the fleet still up, this stops
    // it gracefully and then kills whatever of its group (etcd, greeter) is left.
    if (fleet) await stopChild(fleet, 'SIGTERM', 10_000);
    fleet = undefined;
  });

  it('starts etcd and the greeter, answers the README call, and stops everything on Ctrl-C', async () => {
    const port = await freePort();
    fleet = spawnTracked(process.execPath, [FLEET, '--greeter-port', String(port)], { processGroup: true });
    const output = captureOutput(fleet);
    await waitFor(() => output().includes('fleet ready'), {
      timeoutMs: 30_000,
      what: `fleet ready; output:\n${output()}`,
    });
    const pids = memberPids(output());
    expect(Object.keys(pids).sort()).toEqual(['etcd', 'greeter']);
    expect(Object.values(pids).every(isProcessAlive)).toBe(true);

    const { stdout } = await run(process.execPath, [HELLO, 'Ada', '--address', `127.0.0.1:${port}`]);
    expect(stdout.trim()).toBe('Hello Ada');

    // The greeter registered itself in the fleet's etcd, under etcd's naming layout.
    const etcdUrl = /etcdctl --endpoints (\S+) get/.exec(output())?.[1];
    const listing = await run('etcdctl', ['--endpoints', etcdUrl!, 'get', '--prefix', 'flotilla/services/']);
    const [key, value] = listing.stdout.trim().split('\n');
    expect(key).toBe('flotilla/services/greeter/greeter-1');
    expect(JSON.parse(value!)).toMatchObject({ Op: 0, Addr: `127.0.0.1:${port}` });

    const done = exited(fleet);
    fleet.kill('SIGINT');
    expect(await done).toEqual({ code: 0, signal: null });
    expect(output()).toContain('stopped; nothing left running.');
    await waitFor(() => !Object.values(pids).some(isProcessAlive), {
      timeoutMs: 2000,
      what: 'fleet members to be gone',
    });
  });

  it('fails with a clear message, and leaves nothing running, when the greeter port is taken', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      fleet = spawnTracked(process.execPath, [FLEET, '--greeter-port', String(port)], { processGroup: true });
      const output = captureOutput(fleet);
      expect(await exited(fleet)).toEqual({ code: 1, signal: null });
      expect(output()).toContain(`cannot listen on 127.0.0.1:${port}: port already in use`);
      const etcdPid = Number(/\(etcd pid (\d+)\)/.exec(output())?.[1]);
      expect(etcdPid).toBeGreaterThan(0);
      await waitFor(() => !isProcessAlive(etcdPid), {
        timeoutMs: 2000,
        what: `etcd (pid ${etcdPid}) to be stopped`,
      });
    } finally {
      blocker.close();
    }
  });

  it('rejects bad arguments with usage', async () => {
    const failure = await run(process.execPath, [FLEET, '--greeter-port', '0']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain(
      '--greeter-port must be an integer from 1 to 65535, got "0"',
    );
  });
});
