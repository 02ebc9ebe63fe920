import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { etcdBinary } from './etcd-binary.js';

/**
 * The servers a throwaway registry cluster can run on: real etcd, or flotilla-store (Flotilla's
 * Raft-replicated store speaking etcd's v3 gRPC API, started as `node apps/store/dist/main.js`).
 * Both take the same etcd flags.
 */
export const REGISTRY_BINARIES = ['etcd', 'flotilla-store'] as const;
export type RegistryBinary = (typeof REGISTRY_BINARIES)[number];

/** Environment variable that picks the default binary for `startEtcdCluster` (default 'etcd'). */
export const REGISTRY_BINARY_ENV = 'FLOTILLA_REGISTRY_BINARY';

export const STORE_BUILD_COMMAND = 'npx tsc -b apps/store/tsconfig.lib.json';

/** `binary` if given, else `$FLOTILLA_REGISTRY_BINARY`, else 'etcd'; anything else is an error naming the choices. */
export function registryBinary(binary?: string, env: NodeJS.ProcessEnv = process.env): RegistryBinary {
  const fromEnv = env[REGISTRY_BINARY_ENV];
  const chosen = binary ?? (fromEnv === undefined || fromEnv === '' ? 'etcd' : fromEnv);
  if (!(REGISTRY_BINARIES as readonly string[]).includes(chosen)) {
    const source = binary === undefined ? `${REGISTRY_BINARY_ENV}=${chosen}` : `binary "${chosen}"`;
    throw new Error(
      `unknown registry ${source}: expected ${REGISTRY_BINARIES.map((b) => `'${b}'`).join(' or ')}`,
    );
  }
  return chosen as RegistryBinary;
}

/**
 * Path of flotilla-store's entry point, `<repo>/apps/store/dist/main.js`, found by walking up from
 * this file (it runs from `libs/testing/src` under vitest and from `libs/testing/dist` when built)
 * to the workspace root. Throws, naming the build command, if it is not built.
 */
export function storeMain(from: string = dirname(fileURLToPath(import.meta.url))): string {
  const root = workspaceRoot(from);
  if (root === undefined) {
    throw new Error(`flotilla-store: no Flotilla workspace (apps/store/package.json) above ${from}`);
  }
  const main = join(root, 'apps', 'store', 'dist', 'main.js');
  if (!existsSync(main)) {
    throw new Error(
      `flotilla-store is not built (${main} is missing): run \`${STORE_BUILD_COMMAND}\` at ${root} (or \`npx nx run store-server:build\`)`,
    );
  }
  return main;
}

/** The program and leading arguments that start `binary`; etcd's flags follow them. */
export function registryCommand(binary: RegistryBinary): { command: string; args: string[] } {
  if (binary === 'etcd') return { command: etcdBinary(), args: [] };
  return { command: process.execPath, args: [storeMain()] };
}

function workspaceRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const marker = join(dir, 'apps', 'store', 'package.json');
    if (existsSync(marker) && isStorePackage(marker)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function isStorePackage(file: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { bin?: Record<string, string> };
    return pkg.bin?.['flotilla-store'] !== undefined;
  } catch {
    return false;
  }
}
