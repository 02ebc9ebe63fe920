import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureOutput, exited, isProcessAlive, spawnTracked, stopChild, waitFor } from '@flotilla/testing';

export const FLEET = fileURLToPath(new URL('../../../../tools/fleet/dist/main.js', import.meta.url));
export const HELLO = fileURLToPath(new URL('../../../../tools/fleet/dist/hello.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ServiceEntry {
  name: string;
  project: string;
  main: string;
  kind?: 'grpc' | 'http';
  instances: number;
  port: { mode: 'free' } | { mode: 'fixed'; base: number };
  dependsOn?: string[];
  env?: Record<string, string>;
}

export const greeterService = (instances: number, extra: Partial<ServiceEntry> = {}): ServiceEntry => ({
  name: 'greeter',
  project: 'greeter',
  main: 'apps/greeter/dist/main.js',
  instances,
  port: { mode: 'free' },
  ...extra,
});

/** What fleet.json publishes, as far as the tests look at it. */
export interface PublishedState {
  pid: number;
  registry: string[];
  control: string;
  dashboard: string | null;
  gateway: string | null;
  store: { name: string; address: string; pid: number; logFile: string; state: string; restarts: number }[];
  services: Record<
    string,
    { instanceId: string; address: string; pid: number; logFile: string; state: string; restarts: number }[]
  >;
}

/**
 * One fleet run from dist/ (as `npm run fleet` runs it, minus the build) in a temp state dir, with
 * its own definition file. Every pid it ever publishes is remembered, so `teardown` can kill
 * whatever a failed test leaves behind.
 */
export class FleetRun {
  readonly dir = mkdtempSync(join(tmpdir(), 'flotilla-fleet-'));
  readonly stateDir = join(this.dir, 'state');
  readonly definitionFile = join(this.dir, 'fleet.json');
  child: ChildProcess | undefined;
  output: () => string = () => '';
  private readonly pids = new Set<number>();
  private watcher: NodeJS.Timeout | undefined;

  constructor(definition: unknown) {
    writeFileSync(this.definitionFile, JSON.stringify(definition, null, 2));
  }

  start(extraArgs: string[] = []): ChildProcess {
    // Piped, in its own process group: no TTY, as a fleet run from a script.
    this.child = spawnTracked(
      process.execPath,
      [
        FLEET,
        '--definition',
        this.definitionFile,
        '--state-dir',
        this.stateDir,
        '--no-build',
        '--start-timeout-ms',
        '90000',
        ...extraArgs,
      ],
      { processGroup: true, cwd: REPO },
    );
    this.output = captureOutput(this.child);
    this.watcher = setInterval(() => this.remember(), 100);
    return this.child;
  }

  async ready(timeoutMs = 60_000): Promise<PublishedState> {
    const child = this.started();
    await waitFor(() => this.output().includes('fleet ready') || child.exitCode !== null, {
      timeoutMs,
      what: `fleet ready; output:\n${this.output()}`,
    });
    expect(this.output()).toContain('fleet ready');
    return this.state();
  }

  state(): PublishedState {
    const state = JSON.parse(readFileSync(join(this.stateDir, 'fleet.json'), 'utf8')) as PublishedState;
    this.note(state);
    return state;
  }

  /** Runs a subcommand against this fleet. */
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [FLEET, ...args, '--state-dir', this.stateDir],
        { cwd: REPO, timeout: 90_000 },
        (error, stdout, stderr) => {
          const code = error ? ((error as { code?: number }).code ?? 1) : 0;
          resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
        },
      );
    });
  }

  /** Runs a subcommand that must succeed; a failure shows what it printed. */
  async ok(...args: string[]): Promise<string> {
    const result = await this.cli(...args);
    if (result.code !== 0) {
      throw new Error(`fleet ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`);
    }
    return result.stdout;
  }

  /** Every process of the fleet seen so far that is still alive. */
  alive(): number[] {
    this.remember();
    return [...this.pids].filter(isProcessAlive);
  }

  async stop(
    signal: NodeJS.Signals = 'SIGINT',
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.started();
    const done = exited(child);
    child.kill(signal);
    return done;
  }

  /** Stops the fleet (SIGTERM: in order), then SIGKILLs any group left, and removes the temp dir. */
  async teardown(): Promise<void> {
    this.remember();
    if (this.child) await stopChild(this.child, 'SIGTERM', 30_000);
    if (this.watcher) clearInterval(this.watcher);
    for (const pid of this.pids) {
      try {
        // Each child leads its own process group.
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private started(): ChildProcess {
    if (!this.child) throw new Error('the fleet was not started: call start() first');
    return this.child;
  }

  private remember(): void {
    for (const match of this.output().matchAll(/\(pid (\d+)\)/g)) this.pids.add(Number(match[1]));
    const file = join(this.stateDir, 'fleet.json');
    if (!existsSync(file)) return;
    try {
      this.note(JSON.parse(readFileSync(file, 'utf8')) as PublishedState);
    } catch {
      // Being renamed over: the next poll reads it.
    }
  }

  private note(state: PublishedState): void {
    for (const m of state.store) this.pids.add(m.pid);
    for (const i of Object.values(state.services).flat()) this.pids.add(i.pid);
  }
}
