import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { etcdBinary } from '@flotilla/testing';

/** The two servers the conformance cases run against: etcd is the reference. */
export const BACKENDS = ['etcd', 'flotilla-store'] as const;
export type Backend = (typeof BACKENDS)[number];

const STORE_MAIN = fileURLToPath(new URL('../../../../apps/store/dist/main.js', import.meta.url));

/** How to start `backend`: the program and the arguments that come before etcd's flags. */
export function backendCommand(backend: Backend): { command: string; args: string[] } {
  if (backend === 'etcd') return { command: etcdBinary(), args: [] };
  if (!existsSync(STORE_MAIN)) {
    throw new Error(
      `flotilla-store is not built (${STORE_MAIN} is missing): run \`npx tsc -b apps/store/tsconfig.lib.json\` at the repository root`,
    );
  }
  return { command: process.execPath, args: [STORE_MAIN] };
}
