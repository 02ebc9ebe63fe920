import { formatFiles, type Tree, updateJson } from '@nx/devkit';
import { KEBAB_CASE, nameForms } from '../../utils/names.js';
import { callerFile } from './caller-file.js';
import { addClientToModule } from './module-edits.js';
import { readNestApp, servedApi } from './nest-app.js';
import { rootIdentifier } from './nest-sources.js';
import type { ClientGeneratorSchema } from './schema.js';

/**
 * `nx g @flotilla/generators:client <service> --in <app>`: `FlotillaModule.forClients` in the app's
 * module, the service's schemas in its forRoot, and a provider with the `@InjectClient` client.
 * Everything is read and checked before the first write.
 */
export async function clientGenerator(tree: Tree, options: ClientGeneratorSchema): Promise<void> {
  for (const [what, value] of [
    ['service', options.service],
    ['app (--in)', options.in],
  ] as const) {
    if (typeof value !== 'string' || !KEBAB_CASE.test(value)) {
      throw new Error(
        `invalid ${what} "${String(value ?? '')}": expected the kebab-case name of an Nx project`,
      );
    }
  }
  if (options.service === options.in) {
    throw new Error(`"${options.in}" cannot get a client of itself: name another app with --in`);
  }
  const service = readNestApp(tree, options.service, 'service');
  const api = servedApi(service);
  const app = readNestApp(tree, options.in, 'app');
  const names = nameForms(options.service);
  const moduleDir = app.module.path.slice(0, app.module.path.lastIndexOf('/'));
  const callerPath = `${moduleDir}/${names.kebab}.caller.ts`;
  const updatedModule = addClientToModule(app, {
    api,
    caller: `${names.pascal}Caller`,
    callerImport: `./${names.kebab}.caller.js`,
  });
  if (tree.exists(callerPath)) {
    throw new Error(
      `${callerPath} already exists: move it away to add a client of ${options.service} to ${options.in}`,
    );
  }

  tree.write(app.module.path, updatedModule);
  tree.write(callerPath, callerFile(names, api, [rootIdentifier(api.definition)]));
  const packageJson = `${app.root}/package.json`;
  if (tree.exists(packageJson)) {
    updateJson<{ dependencies?: Record<string, string> }>(tree, packageJson, (json) => {
      json.dependencies = { ...json.dependencies };
      for (const dependency of ['@flotilla/nest', '@flotilla/proto']) json.dependencies[dependency] ??= '*';
      return json;
    });
  }
  if (!options.skipFormat) await formatFiles(tree);
}

export default clientGenerator;
