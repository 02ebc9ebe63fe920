import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../process-state.js';

const PREFIX = 'flotilla-etcd-';

/** The data-dir prefix for clusters owned by this process: `flotilla-etcd-<pid>-`. */
export function ownedDirPrefix(): string {
  return `${PREFIX}${process.pid}-`;
}

/**
 * Removes data dirs left by owners that died without cleaning up (e.g. killed with SIGKILL, so no
 * exit hook ran). Each dir name carries its owner's pid; a dir whose owner is gone is garbage.
 */
export function removeStaleDataDirs(baseDir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(baseDir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const owner = new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1];
    if (owner === undefined || isProcessAlive(Number(owner))) continue;
    rmSync(join(baseDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
