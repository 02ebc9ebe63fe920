import { getProjects, type Tree } from '@nx/devkit';
import { KEBAB_CASE, MAX_NAME_LENGTH } from './names.js';

/** Names a new service or library may not take, with the reason the error gives. */
export const RESERVED_NAMES: ReadonlyMap<string, string> = new Map([
  ['store', 'the fleet runs its store members as "store-<n>" and flotilla-store is apps/store'],
  ['nest', 'it is the @flotilla/nest library'],
  ['config', 'it is the @flotilla/config library and the registry key prefix flotilla/config'],
  ['proto', 'it is the @flotilla/proto library and the proto/ folder'],
  ['test', 'it is the system-tests folder test/'],
  ['flotilla', 'it is the proto package of Flotilla itself (proto/flotilla)'],
  ['etcd', 'it is the vendored etcd API (proto/etcd)'],
]);

/** What kind of thing is being created, for the messages. */
export type NewThing = 'service' | 'library';

/**
 * Throws, naming the problem, unless `name` is a kebab-case name that is neither reserved nor
 * already a project (or a folder a project would need). Reads the tree only.
 */
export function assertNewName(tree: Tree, kind: NewThing, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new Error(`a ${kind} name is required, e.g. "orders"`);
  }
  if (!KEBAB_CASE.test(name)) {
    throw new Error(
      `invalid ${kind} name "${name}": use kebab-case (lower-case letters and digits, starting with a letter, words joined by single hyphens), e.g. "orders" or "order-history"`,
    );
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new Error(
      `invalid ${kind} name "${name}": at most ${MAX_NAME_LENGTH} characters, got ${name.length}`,
    );
  }
  const reserved = RESERVED_NAMES.get(name);
  if (reserved) throw new Error(`${kind} name "${name}" is reserved: ${reserved}`);
  if (getProjects(tree).has(name)) {
    throw new Error(`${kind} name "${name}" is taken: an Nx project named "${name}" already exists`);
  }
  for (const folder of [`apps/${name}`, `libs/${name}`, `tools/${name}`]) {
    if (tree.exists(folder)) throw new Error(`${kind} name "${name}" is taken: ${folder} already exists`);
  }
}
