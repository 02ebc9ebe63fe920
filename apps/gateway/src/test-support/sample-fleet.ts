import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captureOutput, freePort, spawnTracked, stopChild, waitFor } from '@flotilla/testing';

// Build outputs, run with plain Node with the flags the fleet gives every instance.
export const GATEWAY_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
export const GREETER_MAIN = fileURLToPath(new URL('../../../greeter/dist/main.js', import.meta.url));
export const TRANSLATOR_MAIN = fileURLToPath(new URL('../../../translator/dist/main.js', import.meta.url));

export interface SampleProcess {
  id: string;
  child: ChildProcess;
  output(): string;
}

export interface StartOptions {
  /** Default: a free one. */
  port?: number;
  /** Added to this process's environment. */
  env?: Record<string, string>;
}

/** Translator, greeter and gateway processes of the sample fleet, registered in one registry. */
export class SampleFleet {
  readonly started: SampleProcess[] = [];

  constructor(private readonly registry: readonly string[]) {}

  async start(main: string, service: string, id: string, options: StartOptions = {}): Promise<SampleProcess> {
    const args = ['--host', '127.0.0.1', '--port', String(options.port ?? (await freePort()))];
    args.push('--service-name', service, '--instance-id', id, '--registry', this.registry.join(','));
    const child = spawnTracked(process.execPath, [main, ...args], {
      env: { ...process.env, ...options.env },
    });
    const started = { id, child, output: captureOutput(child) };
    this.started.push(started);
    return started;
  }

  /** A gateway on a free port, once its /healthz answers; its base URL. */
  async startGateway(
    id: string,
    env?: Record<string, string>,
  ): Promise<{ process: SampleProcess; url: string }> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const gateway = await this.start(GATEWAY_MAIN, 'gateway', id, { port, ...(env ? { env } : {}) });
    await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200, {
      timeoutMs: 30_000,
      what: `the gateway's /healthz:\n${this.outputs()}`,
    });
    return { process: gateway, url };
  }

  find(id: string): SampleProcess {
    const found = this.started.find((s) => s.id === id);
    if (!found) throw new Error(`no process ${id} was started`);
    return found;
  }

  /** Every process's output, for failure messages. */
  outputs(): string {
    return this.started.map((s) => `--- ${s.id}\n${s.output()}`).join('\n');
  }

  async stopAll(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await Promise.all(this.started.map((s) => stopChild(s.child, signal)));
  }
}
