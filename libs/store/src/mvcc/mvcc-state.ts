import { liveRowAt } from './key-index.js';
import { EMPTY_BYTES, keyBytes, type KeyRange, type KeyString } from './key-range.js';
import { KvIndex } from './kv-index.js';
import { INITIAL_REVISION, NOT_COMPACTED } from './revision.js';
import { RevisionLog } from './revision-log.js';
import type { KeyValue } from './types.js';
import { ValueArena } from './value-arena.js';

/**
 * The MVCC data: the revision counters, the log of rows, the key index and the value arena, with
 * the reads every operation shares. Writes go through WriteTxn; compaction and snapshots replace parts.
 */
export class MvccState {
  /** The revision of the last write (etcd's currentRev). */
  revision = INITIAL_REVISION;
  /** Reads below this revision fail as compacted (etcd's compactMainRev). */
  compactRevision = NOT_COMPACTED;
  log = new RevisionLog();
  index = new KvIndex();
  arena = new ValueArena();

  /** Visits the live rows of the keys in `range` at `revision`, in key order, until `visit` returns false. */
  scan(range: KeyRange, revision: number, visit: (row: number) => boolean | void): void {
    const { log, index } = this;
    index.forEachInRange(range, (id) => {
      const row = liveRowAt(log, index.newestRow(id), revision);
      return row < 0 ? true : visit(row);
    });
  }

  /** The live row of `key` at `revision`, or -1. */
  liveRow(key: KeyString, revision: number): number {
    const id = this.index.idOf(key);
    return id === undefined ? -1 : liveRowAt(this.log, this.index.newestRow(id), revision);
  }

  keyOfRow(row: number): KeyString {
    return this.index.keyOf(this.log.keyId[row]);
  }

  valueOfRow(row: number): Buffer {
    return this.arena.view(this.log.valueLocation[row], this.log.valueLength[row]);
  }

  /** The KeyValue of a put row; the value is a view of the arena, not a copy. */
  keyValue(row: number, keysOnly = false): KeyValue {
    const log = this.log;
    return {
      key: keyBytes(this.keyOfRow(row)),
      createRevision: log.createRevision[row],
      modRevision: log.revision[row],
      version: log.version[row],
      value: keysOnly ? EMPTY_BYTES : this.valueOfRow(row),
      lease: log.lease[row],
    };
  }

  /** etcd's DELETE event kv: the key and the revision of the deletion, every other field zero. */
  tombstoneKeyValue(row: number): KeyValue {
    return {
      key: keyBytes(this.keyOfRow(row)),
      createRevision: 0,
      modRevision: this.log.revision[row],
      version: 0,
      value: EMPTY_BYTES,
      lease: 0,
    };
  }
}
