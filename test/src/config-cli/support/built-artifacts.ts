import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** The built `flotilla` CLI (its package's bin), run as an operator runs it. */
export const CLI_MAIN = join(packageDir('@flotilla/cli'), 'dist', 'main.js');

/**
 * @flotilla/config's own service fixture: one typed handle on its demo schema (`retries` is an
 * integer 0..10), printing each change, invalid value and snapshot as a JSON line. It imports the
 * built library, as a service would.
 */
export const CONFIG_WATCHER = join(packageDir('@flotilla/config'), 'src', 'fixtures', 'config-watcher.mjs');

/** Fails early, naming the build to run, when an artifact the test runs is missing. */
export function assertBuilt(): void {
  const needed: [string, string][] = [
    [CLI_MAIN, 'npx nx run cli:build'],
    [join(packageDir('@flotilla/config'), 'dist', 'index.js'), 'npx nx run config:build'],
    [CONFIG_WATCHER, 'the @flotilla/config sources'],
  ];
  for (const [file, fix] of needed) if (!existsSync(file)) throw new Error(`${file} is missing: ${fix}`);
}
