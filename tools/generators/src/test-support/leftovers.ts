import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { isProcessAlive } from '@flotilla/testing';

/** A process still running from a directory: its pid and command line. */
export interface Leftover {
  pid: number;
  command: string;
}

/**
 * Every live process (other than this one) that runs in `dir` or from a file under it: its
 * working directory is inside, or its command line names a path inside. That is whatever a
 * command run in a workspace copy started, however it was detached.
 */
export function processesIn(dir: string): Leftover[] {
  const found: Leftover[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let command: string;
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf-8').split('\0').join(' ').trim();
    } catch {
      continue; // exited while we looked
    }
    let cwd = '';
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      // Exited, or another user's: its command line still counts.
    }
    const inside = cwd === dir || cwd.startsWith(`${dir}/`) || command.includes(`${dir}/`);
    if (inside && isProcessAlive(pid)) found.push({ pid, command });
  }
  return found;
}

/** Whether something accepts TCP connections on host:port (a refused or unanswered connect is false). */
export function acceptsConnections(address: string): Promise<boolean> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** SIGKILLs each process (teardown: whatever a failed test left running). */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
