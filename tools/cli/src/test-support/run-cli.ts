import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exited, spawnTracked, stopChild, waitFor } from '@flotilla/testing';

/** The built CLI: tests run it as operators do, as a child process (`nx run cli:test` builds it first). */
export const CLI_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock time the command took. */
  ms: number;
}

function assertBuilt(): void {
  if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: run \`npx nx run cli:build\` first`);
}

export interface RunOptions {
  /** Kill it after this long, which a test then sees as code null. Default 20 s. */
  killAfterMs?: number;
  /** Variables set for the CLI on top of this process's environment (where ETCD_ENDPOINTS is cleared). */
  env?: Record<string, string>;
}

/**
 * The CLI's environment: ETCD_ENDPOINTS cleared, so only --endpoints says where a command goes
 * unless a test sets it on purpose.
 */
function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ETCD_ENDPOINTS: '', ...extra };
}

/** Runs `flotilla <args>` to completion. */
export function flotilla(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  assertBuilt();
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_MAIN, ...args],
      { timeout: options.killAfterMs ?? 20_000, env: cliEnv(options.env) },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** `flotilla … --json` that must succeed; returns the parsed output. */
export async function flotillaJson<T>(args: readonly string[]): Promise<T> {
  const result = await flotilla([...args, '--json']);
  if (result.code !== 0)
    throw new Error(`flotilla ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** A long-running `flotilla … watch` child: its output lines, and a way to stop it as Ctrl-C does. */
export interface CliWatch {
  stdoutLines(): string[];
  stderr(): string;
  /** Resolves once the watch is set up (it says so on stderr). */
  ready(): Promise<void>;
  waitForLines(count: number): Promise<string[]>;
  /** Sends SIGINT and resolves with the exit code. */
  interrupt(): Promise<number | null>;
  /** Kills it if still running (for afterEach). */
  stop(): Promise<void>;
}

export function startWatch(args: readonly string[]): CliWatch {
  assertBuilt();
  const child: ChildProcess = spawnTracked(process.execPath, [CLI_MAIN, ...args], { env: cliEnv() });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const lines = () => out.split('\n').filter((l) => l !== '');
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    stdoutLines: lines,
    stderr: () => err,
    ready: () =>
      waitFor(
        () => {
          if (!running()) throw new Error(`watch exited early (${child.exitCode}): ${err}`);
          return err.includes('press Ctrl-C to stop');
        },
        { timeoutMs: 15_000, what: `flotilla ${args.join(' ')} to start watching` },
      ).then(() => undefined),
    waitForLines: async (count) => {
      await waitFor(() => lines().length >= count, {
        timeoutMs: 15_000,
        what: `${count} output lines from flotilla ${args.join(' ')}`,
      });
      return lines();
    },
    interrupt: async () => {
      const done = exited(child);
      child.kill('SIGINT');
      return (await done).code;
    },
    stop: () => stopChild(child),
  };
}
