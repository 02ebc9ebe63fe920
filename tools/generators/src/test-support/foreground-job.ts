import type { ChildProcess } from 'node:child_process';
import { captureOutput, exited, spawnTracked, waitFor } from '@flotilla/testing';
import { commandEnv } from './run-command.js';

/** A long-running command as a person starts it in a terminal and later stops with Ctrl-C. */
export interface ForegroundJob {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Ctrl-C: SIGINT to every process of the job (npm, its shell, the program), as a terminal sends it. */
  interrupt(): void;
  /** SIGKILL to the job's process group (teardown). */
  kill(): void;
  /** Resolves once the command (the job's leader) has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until it has printed `text`; fails with the end of its output if it exits or times out first. */
  waitForOutput(text: string, timeoutMs: number): Promise<void>;
}

/**
 * The end of a job's output for a failure message: its last lines first (reports cut long messages
 * short, and the reason a start-up failed is at the end), then more of what led to them.
 */
function lastWords(output: string): string {
  const lines = output.trimEnd().split('\n');
  return `${lines.slice(-12).join('\n')}\n--- the output before that ends: ---\n${lines.slice(0, -12).join('\n').slice(-6000)}`;
}

/**
 * Starts a command as a terminal's foreground job: the leader of a new process group, so that
 * `interrupt` reaches every process in it and nothing else, as the terminal's Ctrl-C does.
 */
export function startForegroundJob(command: string, args: string[], cwd: string): ForegroundJob {
  const child = spawnTracked(command, args, { cwd, env: commandEnv(), processGroup: true });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  // A fleet's start-up prints every build line off a terminal: keep them all for a failure.
  const output = captureOutput(child, 4 * 1024 * 1024);
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone.
    }
  };
  const ended = exited(child);
  const waitForOutput = async (text: string, timeoutMs: number) => {
    try {
      await waitFor(() => output().includes(text) || child.exitCode !== null || child.signalCode !== null, {
        timeoutMs,
        intervalMs: 200,
        what: `"${text}"`,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}; it last printed:\n${lastWords(output())}`);
    }
    if (!output().includes(text)) {
      const how = child.exitCode ?? child.signalCode;
      throw new Error(
        `${command} ${args.join(' ')} ended (${how}) before printing "${text}"; it last printed:\n${lastWords(output())}`,
      );
    }
  };
  return {
    child,
    output,
    interrupt: () => group('SIGINT'),
    kill: () => group('SIGKILL'),
    exited: ended,
    waitForOutput,
  };
}
