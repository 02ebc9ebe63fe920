const INITIAL_CAPACITY = 1024;

/**
 * Every change the store keeps, in revision order (and, within a txn's revision, in op order): one row
 * per put or delete, stored as columns of typed arrays so a million revisions are a few flat buffers
 * rather than a million objects for the garbage collector to trace.
 *
 * A row is a put (version >= 1) or a tombstone (version 0, no value). `prev` links each row to the
 * previous row of the same key, so a key's history (etcd's keyIndex generations) is a chain through
 * the log and the key index only remembers each key's newest row.
 */
export class RevisionLog {
  length = 0;
  private capacity = 0;

  /** The revision of the row (etcd's main revision; rows of one txn share it). */
  revision = new Float64Array(0);
  createRevision = new Float64Array(0);
  version = new Float64Array(0);
  lease = new Float64Array(0);
  /** Where the value is in the ValueArena. */
  valueLocation = new Float64Array(0);
  valueLength = new Uint32Array(0);
  keyId = new Uint32Array(0);
  /** The row before this one for the same key, or -1. */
  prev = new Int32Array(0);

  constructor(capacity = INITIAL_CAPACITY) {
    this.resize(capacity);
  }

  append(
    revision: number,
    keyId: number,
    prev: number,
    createRevision: number,
    version: number,
    lease: number,
    valueLocation: number,
    valueLength: number,
  ): number {
    if (this.length === this.capacity)
      this.resize(Math.max(INITIAL_CAPACITY, Math.ceil(this.capacity * 1.5)));
    const row = this.length++;
    this.revision[row] = revision;
    this.keyId[row] = keyId;
    this.prev[row] = prev;
    this.createRevision[row] = createRevision;
    this.version[row] = version;
    this.lease[row] = lease;
    this.valueLocation[row] = valueLocation;
    this.valueLength[row] = valueLength;
    return row;
  }

  /** A log over decoded columns (snapshot restore); `prev` is computed by the caller. */
  static fromColumns(
    columns: Pick<
      RevisionLog,
      'revision' | 'createRevision' | 'version' | 'lease' | 'valueLocation' | 'valueLength' | 'keyId' | 'prev'
    >,
    length: number,
  ): RevisionLog {
    const log = new RevisionLog(0);
    Object.assign(log, {
      revision: columns.revision,
      createRevision: columns.createRevision,
      version: columns.version,
      lease: columns.lease,
      valueLocation: columns.valueLocation,
      valueLength: columns.valueLength,
      keyId: columns.keyId,
      prev: columns.prev,
    });
    log.length = length;
    log.capacity = columns.revision.length;
    return log;
  }

  isTombstone(row: number): boolean {
    return this.version[row] === 0;
  }

  /** The first row at or after `revision` (this.length when there is none). */
  firstRowFrom(revision: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.revision[mid] < revision) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Bytes held by the columns. */
  get allocatedBytes(): number {
    return this.capacity * (5 * 8 + 3 * 4);
  }

  /** Copies row `from` to row `to` (to <= from), for compaction, which rewrites the log in place. */
  moveRow(from: number, to: number): void {
    this.revision[to] = this.revision[from];
    this.keyId[to] = this.keyId[from];
    this.prev[to] = this.prev[from];
    this.createRevision[to] = this.createRevision[from];
    this.version[to] = this.version[from];
    this.lease[to] = this.lease[from];
    this.valueLocation[to] = this.valueLocation[from];
    this.valueLength[to] = this.valueLength[from];
  }

  /** Sets the length after compaction and gives back memory when most of the capacity is unused. */
  truncate(length: number): void {
    this.length = length;
    if (length * 2 < this.capacity && this.capacity > INITIAL_CAPACITY) {
      this.resize(Math.max(INITIAL_CAPACITY, Math.ceil(length * 1.25)));
    }
  }

  private resize(capacity: number): void {
    const grow = <T extends Float64Array | Uint32Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old.subarray(0, Math.min(this.length, capacity)));
      return next;
    };
    this.revision = grow(this.revision, (n) => new Float64Array(n));
    this.createRevision = grow(this.createRevision, (n) => new Float64Array(n));
    this.version = grow(this.version, (n) => new Float64Array(n));
    this.lease = grow(this.lease, (n) => new Float64Array(n));
    this.valueLocation = grow(this.valueLocation, (n) => new Float64Array(n));
    this.valueLength = grow(this.valueLength, (n) => new Uint32Array(n));
    this.keyId = grow(this.keyId, (n) => new Uint32Array(n));
    this.prev = grow(this.prev, (n) => new Int32Array(n));
    this.capacity = capacity;
  }
}
