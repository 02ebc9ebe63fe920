import type { KeyRange, KeyString } from './key-range.js';
import { NO_LEASE, type Lessor } from './lessor.js';
import type { MvccState } from './mvcc-state.js';
import { EventType, type Event } from './types.js';

/**
 * One write transaction (etcd's storeTxnWrite): every change lands at beginRevision + 1, in order,
 * and is visible to the txn's own later reads; the store's revision moves only if something changed.
 * Callers check everything that can fail before the first change, so a txn never stops half-way.
 */
export class WriteTxn {
  readonly beginRevision: number;
  readonly events: Event[] = [];

  constructor(
    readonly state: MvccState,
    private readonly lessor: Lessor,
  ) {
    this.beginRevision = state.revision;
  }

  get changed(): boolean {
    return this.events.length > 0;
  }

  /** The revision the txn's reads see: its own changes once it has made any. */
  get readRevision(): number {
    return this.changed ? this.beginRevision + 1 : this.beginRevision;
  }

  get writeRevision(): number {
    return this.beginRevision + 1;
  }

  /** Writes a new version of `key` (creating it, or a new generation after a delete). */
  put(key: KeyString, value: Uint8Array, lease: number): void {
    const { log, index, arena } = this.state;
    const id = index.ensureId(key);
    const prevRow = index.newestRow(id);
    const prevLive = prevRow >= 0 && !log.isTombstone(prevRow);
    const revision = this.writeRevision;
    const row = log.append(
      revision,
      id,
      prevRow,
      prevLive ? log.createRevision[prevRow] : revision,
      prevLive ? log.version[prevRow] + 1 : 1,
      lease,
      arena.append(value),
      value.byteLength,
    );
    index.setNewestRow(id, row);
    const oldLease = prevLive ? log.lease[prevRow] : NO_LEASE;
    if (oldLease !== lease) {
      if (oldLease !== NO_LEASE) this.lessor.detach(oldLease, key);
      if (lease !== NO_LEASE) this.lessor.attach(lease, key);
    }
    this.events.push({
      type: EventType.Put,
      kv: this.state.keyValue(row),
      prevKv: prevLive ? this.state.keyValue(prevRow) : undefined,
    });
  }

  /** Deletes the keys live in `range` (as the txn sees them now) and returns how many. */
  deleteRange(range: KeyRange): number {
    const { log, index } = this.state;
    const doomed: number[] = [];
    this.state.scan(range, this.readRevision, (row) => {
      doomed.push(row);
    });
    const revision = this.writeRevision;
    for (const liveRow of doomed) {
      const id = log.keyId[liveRow];
      const row = log.append(revision, id, liveRow, 0, 0, NO_LEASE, 0, 0);
      index.setNewestRow(id, row);
      const lease = log.lease[liveRow];
      if (lease !== NO_LEASE) this.lessor.detach(lease, index.keyOf(id));
      this.events.push({
        type: EventType.Delete,
        kv: this.state.tombstoneKeyValue(row),
        prevKv: this.state.keyValue(liveRow),
      });
    }
    return doomed.length;
  }

  /** Ends the txn: the store's revision becomes the txn's if it changed anything. */
  end(): void {
    if (this.changed) this.state.revision = this.writeRevision;
  }
}
