import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { killGroup, trackGroup, untrackGroup } from './exit-hook.js';

export interface ProcessSpec {
  /** Instance name: names the log file and the fleet's progress lines. */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  logFile: string;
  /** Append to the log file (a restart) rather than start it afresh. */
  appendLog?: boolean;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly spec: ProcessSpec;
  readonly pid: number;
  readonly exited: Promise<Exit>;
  /** Whether the process has exited (set before `exited` resolves). */
  hasExited(): boolean;
  /** SIGTERM to its group, SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs: number): Promise<{ killed: boolean }>;
  /** Sends a signal to its whole group (SIGKILL, SIGSTOP, SIGCONT); a no-op once it has exited. */
  signal(signal: NodeJS.Signals): void;
}

/**
 * Starts a child in its own process group (and session: no controlling terminal), so a Ctrl-C in
 * the fleet's terminal reaches only the fleet, which then stops children in order. The child reads
 * nothing and writes to its log file; colour is switched off since nobody sees a terminal.
 */
export function spawnManaged(spec: ProcessSpec): ManagedProcess {
  const log = openSync(spec.logFile, spec.appendLog ? 'a' : 'w');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ...spec.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`cannot start ${spec.name}: ${spec.command} could not be spawned`);
  }
  trackGroup(pid);
  let done = false;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      // Whatever the leader left behind in its group goes with it.
      killGroup(pid, 'SIGKILL');
      untrackGroup(pid);
      resolve({ code, signal });
    });
  });
  child.once('error', () => undefined);

  const stop = async (graceMs: number): Promise<{ killed: boolean }> => {
    if (done) return { killed: false };
    killGroup(pid, 'SIGTERM');
    // A paused (SIGSTOPped) process only acts on SIGTERM once it runs again.
    killGroup(pid, 'SIGCONT');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), graceMs);
    });
    const outcome = await Promise.race([exited, deadline]);
    clearTimeout(timer);
    if (outcome !== 'deadline') return { killed: false };
    killGroup(pid, 'SIGKILL');
    await exited;
    return { killed: true };
  };
  const signal = (name: NodeJS.Signals) => {
    if (!done) killGroup(pid, name);
  };
  return { spec, pid, exited, hasExited: () => done, stop, signal };
}
