import { type Tree, updateJson } from '@nx/devkit';

/**
 * Adds `./<root>` to the root tsconfig.json's project references, as `nx sync` would on the next
 * task run, so editors see the new project at once. No root tsconfig.json: nothing to do.
 */
export function addRootReference(tree: Tree, root: string): void {
  if (!tree.exists('tsconfig.json')) return;
  updateJson<{ references?: { path: string }[] }>(tree, 'tsconfig.json', (json) => {
    const references = json.references ?? [];
    const path = `./${root}`;
    if (!references.some((reference) => reference.path.replace(/^\.\//, '') === root)) {
      json.references = [...references, { path }];
    }
    return json;
  });
}
