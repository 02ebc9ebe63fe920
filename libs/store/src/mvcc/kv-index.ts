import type { KeyRange, KeyString } from './key-range.js';
import { newByteOrderTree, type BTree } from './sorted-btree.js';

const STOP = { break: true } as const;

/**
 * The ordered index of every key that has history in the log (etcd's treeIndex). The B-tree maps a
 * key to a small integer id; per id the index keeps the key and its newest log row, in flat arrays.
 * A key stays here while any row of it remains, deleted or not, so past revisions can be read;
 * compaction removes keys whose history is gone and their ids are reused.
 */
export class KvIndex {
  private readonly tree: BTree<KeyString, number> = newByteOrderTree<number>();
  private keys: KeyString[] = [];
  private newest = new Int32Array(1024);
  private readonly freeIds: number[] = [];

  /** Keys with history (live or deleted). */
  get size(): number {
    return this.tree.size;
  }

  idOf(key: KeyString): number | undefined {
    return this.tree.get(key);
  }

  /** The key's id, adding the key (with no rows yet) when it is new. */
  ensureId(key: KeyString): number {
    const known = this.tree.get(key);
    if (known !== undefined) return known;
    const id = this.freeIds.pop() ?? this.keys.length;
    if (id === this.keys.length) this.keys.push(key);
    else this.keys[id] = key;
    if (id >= this.newest.length) {
      const grown = new Int32Array(Math.ceil(this.newest.length * 1.5));
      grown.set(this.newest);
      this.newest = grown;
    }
    this.newest[id] = -1;
    this.tree.set(key, id);
    return id;
  }

  keyOf(id: number): KeyString {
    return this.keys[id];
  }

  newestRow(id: number): number {
    return this.newest[id];
  }

  setNewestRow(id: number, row: number): void {
    this.newest[id] = row;
  }

  remove(id: number): void {
    this.tree.delete(this.keys[id]);
    this.keys[id] = '';
    this.newest[id] = -1;
    this.freeIds.push(id);
  }

  /** Calls `visit` with the id of each key in the range, in key order, until it returns false. */
  forEachInRange(range: KeyRange, visit: (id: number) => boolean | void): void {
    if (range.single) {
      const id = this.tree.get(range.start);
      if (id !== undefined) visit(id);
      return;
    }
    let high = range.end;
    let includeHigh = false;
    if (high === undefined) {
      high = this.tree.maxKey();
      includeHigh = true;
      if (high === undefined) return;
    }
    if (high < range.start || (high === range.start && !includeHigh)) return;
    this.tree.editRange(range.start, high, includeHigh, (_key, id) =>
      visit(id) === false ? STOP : undefined,
    );
  }

  /** Every id in key order. */
  forEach(visit: (id: number, key: KeyString) => void): void {
    this.tree.forEach((id, key) => visit(id, key));
  }

  /** Rebuilds from keys in ascending order with their newest rows (snapshot restore); ids are 0..n-1. */
  static fromSorted(keys: KeyString[], newestRows: Int32Array): KvIndex {
    const index = new KvIndex();
    index.keys = keys.slice();
    index.newest = new Int32Array(Math.max(1024, keys.length));
    index.newest.set(newestRows.subarray(0, keys.length));
    keys.forEach((key, id) => index.tree.set(key, id));
    return index;
  }
}
