import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the workspace's `proto/` folder. Both `src/` and `dist/` sit one level below
 * the package root, so the same relative step works from source and from build output.
 */
export const PROTO_ROOT: string = fileURLToPath(new URL('../../../proto/', import.meta.url));

/** Absolute path of a `.proto` file under `proto/`, e.g. `protoFile('helloworld/v1/greeter.proto')`. */
export function protoFile(relativePath: string): string {
  const path = fileURLToPath(new URL(relativePath, new URL('../../../proto/', import.meta.url)));
  if (!existsSync(path)) {
    throw new Error(`proto file not found: ${relativePath} (looked in ${PROTO_ROOT})`);
  }
  return path;
}
