import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { credentials } from '@grpc/grpc-js';
import { GreeterClient, type HelloReply } from '@flotilla/proto';
import { captureOutput, exited, freePort, spawnTracked, stopChild, waitForServing } from '@flotilla/testing';

// The build output, run with plain Node: no TypeScript loader is involved.
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const run = promisify(execFile);

describe('greeter main (child process from dist/)', () => {
  it('serves on the configured port and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawnTracked(process.execPath, [MAIN, '--port', String(port)]);
    const output = captureOutput(child);
    try {
      await waitForServing(`127.0.0.1:${port}`);
      const client = new GreeterClient(`127.0.0.1:${port}`, credentials.createInsecure());
      const reply = await new Promise<HelloReply>((resolve, reject) =>
        client.sayHello({ name: 'child', count: 0 }, (e, r) => (e ? reject(e) : resolve(r))),
      );
      client.close();
      expect(reply.message).toBe('Hello child');
      // Structured logs: one JSON object per line, naming the service.
      const listening = output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { service: string; level: string; msg: string })
        .find((entry) => entry.msg === `listening on 127.0.0.1:${port}`);
      expect(listening).toMatchObject({ service: 'greeter', level: 'info' });
      const done = exited(child);
      child.kill('SIGTERM');
      expect(await done).toEqual({ code: 0, signal: null });
      expect(output()).toContain('shutdown server-closed');
    } finally {
      await stopChild(child, 'SIGKILL');
    }
  });

  it.each([
    [['--port', 'nope'], {}, 'port (--port or FLOTILLA_PORT) must be an integer from 0 to 65535, got "nope"'],
    [[], { FLOTILLA_TTL: '0' }, 'ttl (--ttl or FLOTILLA_TTL) must be an integer from 1 to 86400, got "0"'],
    [['--prot', '1'], {}, "unknown option '--prot'"],
    [['extra'], {}, 'too many arguments'],
  ])('exits 2 with the problem named for bad arguments %j %j', async (argv, env, message) => {
    const failure = await run(process.execPath, [MAIN, ...argv], { env: { ...process.env, ...env } }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain(message);
  });

  it('prints the flags and their environment variables for --help, and exits 0', async () => {
    const { stdout } = await run(process.execPath, [MAIN, '--help']);
    expect(stdout).toContain('--registry <urls>');
    expect(stdout).toContain('(env: FLOTILLA_REGISTRY)');
    expect(stdout).toContain('--drain-ms <ms>');
  });

  it('exits 1 naming the port when it is already in use', async () => {
    const port = await freePort();
    const holder = spawnTracked(process.execPath, [MAIN, '--port', String(port)]);
    try {
      await waitForServing(`127.0.0.1:${port}`);
      const failure = await run(process.execPath, [MAIN, '--port', String(port)]).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(failure).toMatchObject({ code: 1 });
      expect((failure as { stderr: string }).stderr).toContain(
        `cannot listen on 127.0.0.1:${port}: port already in use`,
      );
    } finally {
      await stopChild(holder);
    }
  });
});
