import { EMPTY_HARD_STATE } from '../core/types.js';
import type { Entry, HardState, Snapshot } from '../core/types.js';
import type { PersistedState, Storage, StorageStats, StorageUpdate } from '../interfaces/storage.js';

const HARD_STATE_BYTES = 24;
const ENTRY_OVERHEAD_BYTES = 17;

/**
 * Storage kept in process memory. "Durable" means: survives a simulated crash, i.e. a new
 * server built on the same instance. Synchronous `*Sync` methods serve the deterministic simulator.
 */
export class MemoryStorage implements Storage {
  private hs: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot | null = null;
  /** entries[0] has index offset + 1. */
  private log: Entry[] = [];
  private offset = 0;
  private saves = 0;

  // ------------------------------------------------------------ synchronous API

  saveSync(update: StorageUpdate): void {
    this.saves++;
    if (update.snapshot) this.installSnapshotSync(update.snapshot);
    this.appendSync(update.entries);
    if (update.hardState) this.setHardStateSync(update.hardState);
  }

  loadSync(): PersistedState {
    return { hardState: this.hs, snapshot: this.snap, entries: [...this.log] };
  }

  appendSync(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0].index;
    if (first <= this.offset) throw new Error(`memory storage: append at compacted index ${first}`);
    if (first > this.lastIndexSync() + 1) throw new Error(`memory storage: gap appending ${first}`);
    this.log.length = first - this.offset - 1;
    this.log.push(...entries);
  }

  truncateSuffixSync(fromIndex: number): void {
    if (fromIndex <= this.offset) throw new Error(`memory storage: truncate compacted index ${fromIndex}`);
    this.log.length = Math.max(0, Math.min(this.log.length, fromIndex - this.offset - 1));
  }

  setHardStateSync(state: HardState): void {
    this.hs = state;
  }

  installSnapshotSync(snapshot: Snapshot): void {
    this.snap = snapshot;
    this.log = [];
    this.offset = snapshot.meta.index;
  }

  saveSnapshotSync(snapshot: Snapshot): void {
    if (this.snap && this.snap.meta.index > snapshot.meta.index) return;
    this.snap = snapshot;
  }

  compactSync(index: number): void {
    if (index <= this.offset) return;
    if (!this.snap || this.snap.meta.index < index)
      throw new Error(`memory storage: compact ${index} not covered by snapshot`);
    this.log = this.log.slice(Math.min(this.log.length, index - this.offset));
    this.offset = index;
  }

  lastIndexSync(): number {
    return this.offset + this.log.length;
  }

  /** Bytes of persisted Raft state (hard state + log), snapshot excluded. */
  raftStateSize(): number {
    return HARD_STATE_BYTES + this.log.reduce((n, e) => n + ENTRY_OVERHEAD_BYTES + e.data.length, 0);
  }

  snapshotSize(): number {
    return this.snap?.data.length ?? 0;
  }

  // ------------------------------------------------------------ Storage

  async load(): Promise<PersistedState> {
    return this.loadSync();
  }

  async save(update: StorageUpdate): Promise<void> {
    this.saveSync(update);
  }

  stats(): StorageStats {
    return { syncs: this.saves, saves: this.saves };
  }

  async append(entries: readonly Entry[]): Promise<void> {
    this.appendSync(entries);
  }

  async truncateSuffix(fromIndex: number): Promise<void> {
    this.truncateSuffixSync(fromIndex);
  }

  async setHardState(state: HardState): Promise<void> {
    this.setHardStateSync(state);
  }

  async installSnapshot(snapshot: Snapshot): Promise<void> {
    this.installSnapshotSync(snapshot);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    this.saveSnapshotSync(snapshot);
  }

  async compact(index: number): Promise<void> {
    this.compactSync(index);
  }

  async entries(lo: number, hi: number): Promise<Entry[]> {
    if (lo <= this.offset) throw new Error(`memory storage: entries from compacted index ${lo}`);
    return this.log.slice(lo - this.offset - 1, Math.max(0, hi - this.offset - 1));
  }

  async term(index: number): Promise<number | undefined> {
    if (this.snap && index === this.snap.meta.index) return this.snap.meta.term;
    if (index === 0) return 0;
    if (index <= this.offset || index > this.lastIndexSync()) return undefined;
    return this.log[index - this.offset - 1].term;
  }

  async firstIndex(): Promise<number> {
    return this.offset + 1;
  }

  async lastIndex(): Promise<number> {
    return this.lastIndexSync();
  }

  async hardState(): Promise<HardState> {
    return this.hs;
  }

  async loadSnapshot(): Promise<Snapshot | null> {
    return this.snap;
  }
}
