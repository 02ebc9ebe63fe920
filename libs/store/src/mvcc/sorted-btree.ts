import { createRequire } from 'node:module';
import type SortedBTreeModule from 'sorted-btree';

// sorted-btree is CommonJS with `exports.default`: Node's ESM loader and vitest's interop disagree on
// what a default import of it is, so load it through require, which both agree on.
const require = createRequire(import.meta.url);
const { default: BTreeClass } = require('sorted-btree') as typeof SortedBTreeModule;

export type BTree<K, V> = SortedBTreeModule.default<K, V>;

/** An empty B+ tree keyed by latin1 strings of key bytes: `<` on such strings is byte order. */
export function newByteOrderTree<V>(): BTree<string, V> {
  return new BTreeClass<string, V>(undefined, compareByteStrings);
}

export function compareByteStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
