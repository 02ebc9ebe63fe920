import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { captureOutput, exited, spawnTracked, stopChild, waitFor } from '@flotilla/testing';

/** The greeter's build output (a FlotillaModule service), run as a child process with plain Node. */
export const GREETER_MAIN = fileURLToPath(new URL('../../../../apps/greeter/dist/main.js', import.meta.url));

export interface GreeterProcess {
  readonly id: string;
  readonly port: number;
  readonly address: string;
  readonly child: ChildProcess;
  output(): string;
}

export interface GreeterOptions {
  id: string;
  port: number;
  registry: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Spawns the greeter registering in `registry`; resolves once it says it is registered. */
export async function startGreeter(options: GreeterOptions): Promise<GreeterProcess> {
  if (!existsSync(GREETER_MAIN)) throw new Error(`${GREETER_MAIN} is missing: run npx nx run greeter:build`);
  const child = spawnTracked(
    process.execPath,
    [
      GREETER_MAIN,
      '--port',
      String(options.port),
      '--registry',
      options.registry,
      '--instance-id',
      options.id,
      ...(options.args ?? []),
    ],
    { env: { ...process.env, ...options.env } },
  );
  const output = captureOutput(child);
  const greeter: GreeterProcess = {
    id: options.id,
    port: options.port,
    address: `127.0.0.1:${options.port}`,
    child,
    output,
  };
  await waitFor(
    () =>
      output().includes('registered in etcd as') ||
      (child.exitCode !== null
        ? Promise.reject(new Error(`greeter ${options.id} exited:\n${output()}`))
        : false),
    { timeoutMs: 60_000, intervalMs: 25, what: `greeter ${options.id} to register` },
  );
  return greeter;
}

/** SIGTERM, then the exit status (SIGKILL after `graceMs`). */
export async function terminate(
  greeter: GreeterProcess,
  graceMs = 15_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const done = exited(greeter.child);
  await stopChild(greeter.child, 'SIGTERM', graceMs);
  return done;
}

/** The `msg` of each JSON log line, in order. */
export function logMessages(greeter: GreeterProcess): string[] {
  return greeter
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg?: string }).msg ?? '');
}
