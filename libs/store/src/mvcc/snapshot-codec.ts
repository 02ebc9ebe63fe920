import type { KeyString } from './key-range.js';
import { KvIndex } from './kv-index.js';
import { Lessor, NO_LEASE } from './lessor.js';
import { MvccState } from './mvcc-state.js';
import { RevisionLog } from './revision-log.js';
import { ValueArena } from './value-arena.js';

/**
 * The snapshot format: the whole MVCC and lease state as flat little-endian sections.
 *
 *   magic "FLMVCC" u16 format-version
 *   f64 revision, f64 compactRevision, f64 leaseIdsGenerated
 *   u32 keyCount, u32 rowCount, u32 leaseCount, f64 valueBytes
 *   keys: u32 length[keyCount], then the key bytes, in key order (a key's id is its position)
 *   rows: f64 revision[], f64 createRevision[], f64 version[], f64 lease[], u32 keyId[], u32 valueLength[]
 *   leases: f64 id[], f64 ttl[]
 *   values: every row's value bytes, in row order
 *
 * Row links, newest rows and lease attachments are rebuilt on restore, and values are written
 * compactly, so equal states give equal bytes whatever their history of compactions.
 */
const MAGIC = Buffer.from('FLMVCC', 'latin1');
const FORMAT_VERSION = 1;
const EMPTY = new Uint8Array(0);

export interface SnapshotContents {
  state: MvccState;
  lessor: Lessor;
}

/**
 * `prefix` is written first, as is: a caller that frames the snapshot with its own bytes then needs
 * no second copy of a state that can be hundreds of MiB.
 */
export function encodeSnapshot(state: MvccState, lessor: Lessor, prefix: Uint8Array = EMPTY): Uint8Array {
  const steps = encodeSnapshotInSteps(state, lessor, prefix);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Rows (or keys) encoded between two pauses of `encodeSnapshotInSteps`: a few ms of work. */
const ROWS_PER_STEP = 1 << 17;

/**
 * The same encoding, pausing (`yield`) every ROWS_PER_STEP rows or keys, so that a caller can let
 * other work run between steps: a large state takes hundreds of ms to encode, longer than Raft's
 * heartbeats may wait. The state must not change until the generator is done.
 */
export function* encodeSnapshotInSteps(
  state: MvccState,
  lessor: Lessor,
  prefix: Uint8Array = EMPTY,
): Generator<void, Uint8Array, void> {
  const { log, index } = state;
  const rows = log.length;

  // Dense ids in key order, so the encoding does not depend on id reuse.
  const keys: KeyString[] = [];
  const denseId = new Uint32Array(Math.max(1, maxKeyId(state) + 1));
  index.forEach((id, key) => {
    denseId[id] = keys.length;
    keys.push(key);
  });
  const keyLengths = new Uint32Array(keys.length);
  let keyBytesTotal = 0;
  keys.forEach((key, i) => {
    keyLengths[i] = key.length;
    keyBytesTotal += key.length;
  });
  let valueBytes = 0;
  for (let row = 0; row < rows; row++) valueBytes += log.valueLength[row];
  const leases = lessor.list();
  yield;

  const writer = new SectionWriter(
    prefix.length +
      MAGIC.length +
      2 +
      3 * 8 +
      3 * 4 +
      8 +
      keys.length * 4 +
      keyBytesTotal +
      rows * (4 * 8 + 2 * 4) +
      leases.length * 16 +
      valueBytes,
  );
  writer.bytes(prefix);
  writer.bytes(MAGIC);
  writer.u16(FORMAT_VERSION);
  writer.f64(state.revision);
  writer.f64(state.compactRevision);
  writer.f64(lessor.generatedCount);
  writer.u32(keys.length);
  writer.u32(rows);
  writer.u32(leases.length);
  writer.f64(valueBytes);
  writer.typed(keyLengths);
  for (let i = 0; i < keys.length; i++) {
    writer.latin1(keys[i]);
    if ((i + 1) % ROWS_PER_STEP === 0) yield;
  }
  for (const column of [log.revision, log.createRevision, log.version, log.lease]) {
    writer.typed(column.subarray(0, rows));
    yield;
  }
  const keyIds = new Uint32Array(rows);
  for (let row = 0; row < rows; row++) keyIds[row] = denseId[log.keyId[row]];
  writer.typed(keyIds);
  writer.typed(log.valueLength.subarray(0, rows));
  writer.typed(Float64Array.from(leases, (lease) => lease.id));
  writer.typed(Float64Array.from(leases, (lease) => lease.ttl));
  yield;
  for (let from = 0; from < rows; from += ROWS_PER_STEP) {
    const to = Math.min(rows, from + ROWS_PER_STEP);
    writer.values(
      state.arena,
      log.valueLocation.subarray(from, to),
      log.valueLength.subarray(from, to),
      to - from,
    );
    yield;
  }
  return writer.finish();
}

export function decodeSnapshot(bytes: Uint8Array, minLeaseTtl: number): SnapshotContents {
  const reader = new SectionReader(bytes);
  if (!reader.bytes(MAGIC.length).equals(MAGIC)) throw new Error('not an MVCC snapshot (bad magic)');
  const version = reader.u16();
  if (version !== FORMAT_VERSION) throw new Error(`unsupported MVCC snapshot format version ${version}`);
  const revision = reader.f64();
  const compactRevision = reader.f64();
  const leaseIdsGenerated = reader.f64();
  const keyCount = reader.u32();
  const rows = reader.u32();
  const leaseCount = reader.u32();
  reader.f64(); // total value bytes: lets other readers size a buffer; the rows say where each value ends

  const keyLengths = reader.u32s(keyCount);
  const keys: KeyString[] = new Array<KeyString>(keyCount);
  for (let i = 0; i < keyCount; i++) keys[i] = reader.latin1(keyLengths[i]);

  const revisions = reader.f64s(rows);
  const createRevisions = reader.f64s(rows);
  const versions = reader.f64s(rows);
  const leaseIds = reader.f64s(rows);
  const keyIds = reader.u32s(rows);
  const valueLengths = reader.u32s(rows);
  const leases = { ids: reader.f64s(leaseCount), ttls: reader.f64s(leaseCount) };

  const arena = new ValueArena();
  const valueLocations = new Float64Array(rows);
  const values = reader.rest();
  let valueBytes = 0;
  for (let row = 0; row < rows; row++) valueBytes += valueLengths[row];
  if (valueBytes > values.length) throw new Error('truncated MVCC snapshot');
  if (valueBytes < values.length) throw new Error('trailing bytes after MVCC snapshot');
  arena.appendAll(values, valueLengths, rows, valueLocations);
  // Each row links to the previous row of its key; the last row per key is the key's newest.
  const prev = new Int32Array(rows);
  const newest = new Int32Array(keyCount).fill(-1);
  for (let row = 0; row < rows; row++) {
    const keyId = keyIds[row];
    if (keyId >= keyCount) throw new Error('corrupt MVCC snapshot (key id out of range)');
    prev[row] = newest[keyId];
    newest[keyId] = row;
  }
  const log = RevisionLog.fromColumns(
    {
      revision: revisions,
      createRevision: createRevisions,
      version: versions,
      lease: leaseIds,
      valueLocation: valueLocations,
      valueLength: valueLengths,
      keyId: keyIds,
      prev,
    },
    rows,
  );

  const state = new MvccState();
  state.revision = revision;
  state.compactRevision = compactRevision;
  state.log = log;
  state.index = KvIndex.fromSorted(keys, newest);
  state.arena = arena;

  const lessor = Lessor.restore(
    minLeaseTtl,
    Array.from(leases.ids, (id, i) => ({ id, ttl: leases.ttls[i] })),
    leaseIdsGenerated,
  );
  // Attachments follow from the data: a live key's newest row names its lease.
  keys.forEach((key, id) => {
    const row = newest[id];
    if (row >= 0 && !log.isTombstone(row) && log.lease[row] !== NO_LEASE && lessor.has(log.lease[row])) {
      lessor.attach(log.lease[row], key);
    }
  });
  return { state, lessor };
}

function maxKeyId(state: MvccState): number {
  let max = -1;
  state.index.forEach((id) => {
    if (id > max) max = id;
  });
  return max;
}

/** Typed arrays are written in the platform's byte order; every platform Node runs on is little-endian. */
function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error('MVCC snapshots need a little-endian platform');
  }
}

class SectionWriter {
  private readonly buffer: Buffer;
  private offset = 0;

  constructor(size: number) {
    assertLittleEndian();
    this.buffer = Buffer.allocUnsafe(size);
  }

  u16(value: number): void {
    this.offset = this.buffer.writeUInt16LE(value, this.offset);
  }

  u32(value: number): void {
    this.offset = this.buffer.writeUInt32LE(value, this.offset);
  }

  f64(value: number): void {
    this.offset = this.buffer.writeDoubleLE(value, this.offset);
  }

  bytes(bytes: Uint8Array): void {
    this.buffer.set(bytes, this.offset);
    this.offset += bytes.byteLength;
  }

  values(arena: ValueArena, locations: Float64Array, lengths: Uint32Array, count: number): void {
    this.offset += arena.copyAll(locations, lengths, count, this.buffer, this.offset);
  }

  latin1(text: string): void {
    this.offset += this.buffer.write(text, this.offset, 'latin1');
  }

  typed(array: Float64Array | Uint32Array): void {
    this.bytes(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  }

  finish(): Uint8Array {
    if (this.offset !== this.buffer.length) {
      throw new Error(`snapshot size mismatch: wrote ${this.offset} of ${this.buffer.length} bytes`);
    }
    return this.buffer;
  }
}

class SectionReader {
  private readonly buffer: Buffer;
  private offset = 0;

  constructor(bytes: Uint8Array) {
    assertLittleEndian();
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u16(): number {
    const value = this.buffer.readUInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  u32(): number {
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  f64(): number {
    const value = this.buffer.readDoubleLE(this.offset);
    this.offset += 8;
    return value;
  }

  bytes(length: number): Buffer {
    if (this.offset + length > this.buffer.length) throw new Error('truncated MVCC snapshot');
    const view = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return view;
  }

  latin1(length: number): string {
    if (this.offset + length > this.buffer.length) throw new Error('truncated MVCC snapshot');
    const text = this.buffer.toString('latin1', this.offset, this.offset + length);
    this.offset += length;
    return text;
  }

  /** Copies (the sections are not 8-byte aligned in general, and the state must own its memory). */
  f64s(count: number): Float64Array<ArrayBuffer> {
    const out = new Float64Array(count);
    new Uint8Array(out.buffer).set(this.bytes(count * 8));
    return out;
  }

  u32s(count: number): Uint32Array<ArrayBuffer> {
    const out = new Uint32Array(count);
    new Uint8Array(out.buffer).set(this.bytes(count * 4));
    return out;
  }

  /** Everything not read yet (the values section). */
  rest(): Buffer {
    return this.bytes(this.buffer.length - this.offset);
  }
}
