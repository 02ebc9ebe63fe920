import { formatFiles, type GeneratorCallback, logger, type Tree } from '@nx/devkit';
import {
  appendFleetService,
  FLEET_DEFINITION,
  fleetHasService,
  readFleetDefinition,
} from '../../utils/fleet-definition.js';
import { nameForms } from '../../utils/names.js';
import { runAfterwards, runInOrder } from '../../utils/post-steps.js';
import { addProtoExports, assertProtoExportsFree, protoExportsOf } from '../../utils/proto-index.js';
import { addRootReference } from '../../utils/root-tsconfig.js';
import { assertNewName } from '../../utils/validate-name.js';
import { appFiles } from './app-files.js';
import { protoFile, protoPath, protoServiceName } from './proto-file.js';
import type { ServiceGeneratorSchema } from './schema.js';

/**
 * `nx g @flotilla/generators:service <name>`: the proto, the NestJS app, its spec, and its fleet
 * entry. Everything is checked before the first write, so a bad name leaves the tree untouched.
 */
export async function serviceGenerator(
  tree: Tree,
  options: ServiceGeneratorSchema,
): Promise<GeneratorCallback> {
  assertNewName(tree, 'service', options.name);
  const instances = options.instances ?? 1;
  if (!Number.isInteger(instances) || instances < 1) {
    throw new Error(`instances must be a whole number of at least 1, got ${String(options.instances)}`);
  }
  const names = nameForms(options.name);
  const proto = protoExportsOf(names);
  if (tree.exists(`proto/${names.snake}`)) {
    throw new Error(`service name "${names.kebab}" is taken: proto/${names.snake} already exists`);
  }
  assertProtoExportsFree(tree, proto);
  const fleet = readFleetDefinition(tree);
  if (fleetHasService(fleet, names.kebab)) {
    throw new Error(
      `service name "${names.kebab}" is taken: ${FLEET_DEFINITION} already has a service "${names.kebab}"`,
    );
  }

  tree.write(protoPath(names), protoFile(names));
  addProtoExports(tree, protoServiceName(names), proto);
  for (const [path, content] of Object.entries(appFiles(names, proto))) tree.write(path, content);
  addRootReference(tree, `apps/${names.kebab}`);
  if (fleet) {
    appendFleetService(tree, fleet, {
      name: names.kebab,
      project: names.kebab,
      main: `apps/${names.kebab}/dist/main.js`,
      instances,
      port: { mode: 'free' },
      dependsOn: [],
    });
  } else {
    logger.warn(`${FLEET_DEFINITION} not found: skipped adding "${names.kebab}" to the fleet definition`);
  }
  if (!options.skipFormat) await formatFiles(tree);

  const after: GeneratorCallback[] = [];
  if (!options.skipInstall)
    after.push(runAfterwards(tree.root, 'linking the new package', 'npm', ['install']));
  if (!options.skipGenerate) {
    after.push(
      runAfterwards(tree.root, 'generating TypeScript from the proto', 'npx', [
        'nx',
        'run',
        'proto:generate',
        '--outputStyle=static',
      ]),
    );
  }
  return runInOrder(after);
}

export default serviceGenerator;
