import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from this file's place in tools/fleet/{src,dist}. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const STORE_MAIN = join(REPO_ROOT, 'apps/store/dist/main.js');
export const ENSURE_ETCD = join(REPO_ROOT, 'tools/scripts/ensure-etcd.sh');

/** The fleet definition `npm run fleet` starts (--definition picks another). */
export const DEFAULT_DEFINITION = join(REPO_ROOT, 'fleet.json');

/** Where a fleet keeps its state; tests pass their own with --state-dir. */
export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.fleet');

export interface FleetPaths {
  root: string;
  logs: string;
  /** Registry data dirs: <registryDir>/<member name>. Separate for etcd: the formats differ. */
  registryDir: string;
  /** What `npm run hello` reads to find the running fleet's registry. */
  stateFile: string;
  /** The fleet's event feed, one JSON object per line. */
  eventsFile: string;
}

export function fleetPaths(stateDir: string, registry: 'store' | 'etcd'): FleetPaths {
  return {
    root: stateDir,
    logs: join(stateDir, 'logs'),
    registryDir: join(stateDir, registry),
    stateFile: join(stateDir, 'fleet.json'),
    eventsFile: join(stateDir, 'events.jsonl'),
  };
}

/** A path as a person would type it: relative to the working directory when inside it, else absolute. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}
