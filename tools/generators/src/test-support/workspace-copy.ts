import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Caches and build output a copy rebuilds for itself; their contents are never linked. */
const NOT_LINKED = new Set(['.vite', '.vite-temp', '.cache', '.nx']);

/**
 * Copies the workspace's source (what git tracks, plus new files it does not ignore: no
 * node_modules, .nx, dist) into a fresh temp dir. Its node_modules links every installed package
 * back to this workspace's, except the @flotilla workspace packages, which point into the copy,
 * so that code in the copy imports the copy's libraries (and @flotilla/proto with the new service).
 */
export function copyWorkspace(root: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'flotilla-generators-e2e-'));
  try {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: root,
      encoding: 'utf-8',
      maxBuffer: 64 * 1024 * 1024,
    })
      .split('\0')
      .filter((file) => file !== '' && existsSync(join(root, file)));
    for (const file of files) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(root, file), join(copy, file), { verbatimSymlinks: true });
    }
    linkNodeModules(root, copy);
    return copy;
  } catch (error) {
    rmSync(copy, { recursive: true, force: true });
    throw error;
  }
}

function linkNodeModules(root: string, copy: string): void {
  const packages = workspacePackages(copy);
  // Root node_modules: every entry links to the original, @flotilla/* to the copy's packages.
  linkEntries(join(root, 'node_modules'), join(copy, 'node_modules'), new Set(['@flotilla']));
  mkdirSync(join(copy, 'node_modules', '@flotilla'), { recursive: true });
  for (const [name, dir] of packages) {
    symlinkSync(join(copy, dir), join(copy, 'node_modules', name));
  }
  // Packages installed under a workspace package (versions that differ from the root's).
  for (const dir of packages.values()) {
    const nested = join(root, dir, 'node_modules');
    if (existsSync(nested)) linkEntries(nested, join(copy, dir, 'node_modules'), new Set(['@flotilla']));
  }
}

function linkEntries(from: string, to: string, except: ReadonlySet<string>): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    if (NOT_LINKED.has(entry) || except.has(entry)) continue;
    const target = join(from, entry);
    symlinkSync(target, join(to, entry), lstatSync(target).isDirectory() ? 'dir' : 'file');
  }
}

/** `@flotilla/<x>` → its folder, for every workspace package in the copy. */
function workspacePackages(copy: string): Map<string, string> {
  const found = new Map<string, string>();
  const { workspaces } = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf-8')) as {
    workspaces: string[];
  };
  for (const pattern of workspaces) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(copy, pattern.slice(0, -2))).map((d) => `${pattern.slice(0, -2)}/${d}`)
      : [pattern];
    for (const dir of dirs) {
      const manifest = join(copy, dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf-8')) as { name?: string };
      if (name?.startsWith('@flotilla/')) found.set(name, dir);
    }
  }
  return found;
}
