import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FleetDefinition } from '../definition/fleet-definition.js';
import { REPO_ROOT } from '../paths.js';

/** The Nx projects a fleet runs: the store's server (unless on etcd) and each service's project. */
export function projectsToBuild(definition: FleetDefinition, etcd: boolean): string[] {
  const projects = [...(etcd ? [] : ['store-server']), ...definition.services.map((s) => s.project)];
  return [...new Set(projects)];
}

export class BuildFailed extends Error {}

/**
 * Builds the projects with Nx, which only rebuilds what changed since the last build (its cache).
 * Each output line goes to `line`; a failure says what failed and what to do.
 */
export async function buildProjects(projects: string[], line: (text: string) => void): Promise<void> {
  const nx = join(REPO_ROOT, 'node_modules/.bin/nx');
  if (!existsSync(nx)) {
    throw new BuildFailed(`Nx is not installed (${nx} is missing): run npm ci in ${REPO_ROOT} first`);
  }
  const args = ['run-many', '-t', 'build', `--projects=${projects.join(',')}`, '--outputStyle=static'];
  const child = spawn(nx, args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NX_TUI: 'false', FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  const tail: string[] = [];
  let pending = '';
  const onData = (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) {
      if (l.trim() === '') continue;
      tail.push(l);
      if (tail.length > 40) tail.shift();
      line(l);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (pending.trim() !== '') line(pending);
  if (code !== 0) {
    // Nx ends a failed run with "Failed tasks:" and a "- project:target" line each.
    const failed = tail.flatMap((l) => /^\s*- ([\w@/.-]+:build)\s*$/.exec(l)?.[1] ?? []);
    throw new BuildFailed(
      `the build failed${failed.length ? ` in ${failed.join(', ')}` : ''} (nx ${args.join(' ')}). ` +
        'Fix the error shown above and run npm run fleet again. A project that does not exist must be created or removed from the fleet definition.',
    );
  }
}

/** Each service's built entry point must exist before the fleet starts it. */
export function missingMains(definition: FleetDefinition, definitionFile: string): string[] {
  return definition.services
    .filter((s) => !existsSync(join(REPO_ROOT, s.main)))
    .map(
      (s) =>
        `${s.name}: ${s.main} does not exist; build it with npx nx run ${s.project}:build (npm run fleet does, without --no-build), or fix its "project" and "main" in ${definitionFile}`,
    );
}
