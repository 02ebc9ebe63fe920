import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { ManagedProcess } from './supervisor/managed-process.js';

/** "the end of its log, <file>:" and its last lines, to say why a process is not ready. */
export function logTail(process: ManagedProcess, lines = 15): string {
  const file = process.spec.logFile;
  let tail = '';
  try {
    tail = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    tail = '(no log)';
  }
  return `the end of its log, ${relative(globalThis.process.cwd(), file) || file}:\n${tail}`;
}

/** "<name> exited during start-up; the end of its log, <file>:" and the last lines. */
export function exitedMessage(process: ManagedProcess, lines = 15): string | undefined {
  if (!process.hasExited()) return undefined;
  return `${process.spec.name} exited during start-up; ${logTail(process, lines)}`;
}
