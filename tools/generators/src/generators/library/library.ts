import { formatFiles, type GeneratorCallback, type Tree } from '@nx/devkit';
import { nameForms } from '../../utils/names.js';
import { runAfterwards, runInOrder } from '../../utils/post-steps.js';
import { addRootReference } from '../../utils/root-tsconfig.js';
import { assertNewName } from '../../utils/validate-name.js';
import { libraryFiles } from './library-files.js';
import type { LibraryGeneratorSchema } from './schema.js';

/** `nx g @flotilla/generators:library <name>`: a shared library under libs/<name>. */
export async function libraryGenerator(
  tree: Tree,
  options: LibraryGeneratorSchema,
): Promise<GeneratorCallback> {
  assertNewName(tree, 'library', options.name);
  const description = options.description?.trim() || 'A shared Flotilla library.';
  if (description.includes('\n')) throw new Error('description must be one line');
  const names = nameForms(options.name);

  for (const [path, content] of Object.entries(libraryFiles(names, description))) tree.write(path, content);
  addRootReference(tree, `libs/${names.kebab}`);
  if (!options.skipFormat) await formatFiles(tree);

  return runInOrder(
    options.skipInstall ? [] : [runAfterwards(tree.root, 'linking the new package', 'npm', ['install'])],
  );
}

export default libraryGenerator;
