import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Every child the fleet reported starting: name -> pid. */
function childPids(output: string): Record<string, number> {
  const pids: Record<string, number> = {};
  for (const match of output.matchAll(/\[fleet\] ([\w-]+) serving on \S+ \(pid (\d+)\)/g))
    pids[match[1]!] = Number(match[2]);
  return pids;
}

describe('npm run fleet (tools/fleet from dist/, on flotilla-store)', () => {
  let fleet: ChildProcess | undefined;
  let output: () => string = () => '';
  let stateDir: string;

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'flotilla-fleet-'));
  });

  afterEach(async () => {
    // A failed test may leave the fleet up: SIGTERM stops it in order; then kill any child left
    // (each leads its own process group), so nothing outlives the test.
    if (fleet) await stopChild(fleet, 'SIGTERM', 15_000);
    fleet = undefined;
    for (const pid of Object.values(childPids(output()))) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    output = () => '';
    rmSync(stateDir, { recursive: true, force: true });
  });

  function startFleet(args: string[]): ChildProcess {
    // Detached and piped, as a fleet run from a script: no TTY, its own group.
    fleet = spawnTracked(process.execPath, [FLEET, '--state-dir', stateDir, ...args], { processGroup: true });
    output = captureOutput(fleet);
    return fleet;
  }

  it('starts 3 store members and 3 greeters, answers hello through discovery, and stops everything on SIGINT', async () => {
    const child = startFleet([]);
    await waitFor(() => output().includes('fleet ready') || child.exitCode !== null, {
      timeoutMs: 40_000,
      what: `fleet ready; output:\n${output()}`,
    });
    expect(output()).toContain('fleet ready');
    const pids = childPids(output());
    expect(Object.keys(pids).sort()).toEqual([
      'greeter-1',
      'greeter-2',
      'greeter-3',
      'store-1',
      'store-2',
      'store-3',
    ]);
    expect(Object.values(pids).every(isProcessAlive)).toBe(true);
    expect(output()).toMatch(
      /registry \(flotilla-store\): http:\/\/127\.0\.0\.1:\d+(,http:\/\/127\.0\.0\.1:\d+){2}/,
    );

    // hello knows no address: it reads the fleet's registry endpoints and resolves etcd:///greeter.
    const { stdout } = await run(process.execPath, [HELLO, 'Ada', '--state-dir', stateDir]);
    expect(stdout.trim()).toBe('Hello Ada');

    const done = exited(child);
    child.kill('SIGINT');
    expect(await done).toEqual({ code: 0, signal: null });
    expect(output()).toContain('stopped; nothing left running.');
    // Services stop before the store, so that they can deregister.
    expect(output().indexOf('stopping greeter')).toBeLessThan(output().indexOf('stopping flotilla-store'));
    expect(Object.entries(pids).filter(([, pid]) => isProcessAlive(pid))).toEqual([]);
    for (const id of ['greeter-1', 'greeter-2', 'greeter-3']) {
      const log = readFileSync(join(stateDir, 'logs', `${id}.log`), 'utf8');
      expect(log).toContain(`lease revoked, flotilla/services/greeter/${id} deleted`);
      expect(log).not.toContain('revoke failed');
    }
    expect(output()).not.toContain('\u001b[');
  });

  it('stops with what to do, and tears down the store it started, when a greeter port is taken', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const child = startFleet(['--greeter-port', String(port)]);
      expect(await exited(child)).toEqual({ code: 1, signal: null });
      expect(output()).toContain(`cannot listen on 127.0.0.1:${port}: port already in use`);
      expect(output()).toContain('--greeter-port <base>');
      const pids = childPids(output());
      expect(Object.keys(pids).sort()).toEqual(['store-1', 'store-2', 'store-3']);
      expect(Object.entries(pids).filter(([, pid]) => isProcessAlive(pid))).toEqual([]);
      expect(output()).not.toContain('\u001b[');
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
      '--greeter-port must be an integer from 1 to 65533, got "0"',
    );
    expect((failure as { stderr: string }).stderr).toContain('usage: npm run fleet');
  });
});
