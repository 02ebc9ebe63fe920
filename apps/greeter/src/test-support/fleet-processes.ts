import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captureOutput, exited, freePort, spawnTracked, stopChild } from '@flotilla/testing';

// Build outputs, run with plain Node as the fleet runs them (`nx run greeter:test` builds both).
export const GREETER_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
export const TRANSLATOR_MAIN = fileURLToPath(new URL('../../../translator/dist/main.js', import.meta.url));

export interface ServiceProcess {
  id: string;
  address: string;
  child: ChildProcess;
  output: () => string;
}

/** Service processes registered in one registry; `stopAll` kills whatever is left (also on failure). */
export class ServiceProcesses {
  private readonly started: ServiceProcess[] = [];

  constructor(private readonly registry: readonly string[]) {}

  async start(main: string, id: string, env: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const child = spawnTracked(
      process.execPath,
      [main, '--port', String(port), '--instance-id', id, '--registry', this.registry.join(',')],
      { env: { ...process.env, ...env } },
    );
    const started = { id, address: `127.0.0.1:${port}`, child, output: captureOutput(child) };
    this.started.push(started);
    return started;
  }

  /** Sends `signal` to the process `id` and resolves with how it exited. */
  async stop(id: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<Awaited<ReturnType<typeof exited>>> {
    const process = this.started.find((p) => p.id === id);
    if (!process) throw new Error(`no process ${id} was started`);
    const done = exited(process.child);
    await stopChild(process.child, signal);
    return done;
  }

  /** Everything the processes printed, for failure messages. */
  output(): string {
    return this.started.map((p) => `--- ${p.id}\n${p.output()}`).join('\n');
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((p) => stopChild(p.child, 'SIGKILL')));
  }
}
