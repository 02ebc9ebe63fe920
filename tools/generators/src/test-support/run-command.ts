import { spawn } from 'node:child_process';
import { killProcessTree } from './process-tree.js';

/** What a finished command printed (stdout and stderr interleaved) and how it ended. */
export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

const running = new Set<number>();

/**
 * Runs a command and collects its output. Past `timeoutMs` it is killed with every process it
 * started (nx, its tasks, their test runners), and so is any command still running when
 * `killRunningCommands` is called (a failed test's teardown).
 */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: commandEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid === undefined) {
      reject(new Error(`could not start ${command}`));
      return;
    }
    running.add(pid);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[killed after ${options.timeoutMs} ms]`;
      killProcessTree(pid);
    }, options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(pid);
      resolve({ code, signal, output });
    });
  });
}

/** The environment a command in the copy runs with: as from a shell, no Nx daemon or cloud, no colour. */
export function commandEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...outsideEnv(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', ...extra };
}

/**
 * This process's environment without what the Nx task and the vitest worker running this spec set
 * (NX_WORKSPACE_ROOT, NX_TASK_*, VITEST*, NODE_ENV=test, ...): the command starts afresh in the copy.
 */
function outsideEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(NX_|VITEST|VITE_|__VITEST)/.test(key) && !['TEST', 'NODE_ENV', 'NODE_OPTIONS'].includes(key),
    ),
  );
}

/** Kills the process group of every command still running. */
export function killRunningCommands(): void {
  for (const pid of running) killProcessTree(pid);
  running.clear();
}
