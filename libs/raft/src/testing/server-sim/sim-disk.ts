import { EMPTY_HARD_STATE, type Entry, type HardState, type Snapshot } from '../../core/types.js';
import type { PersistedState } from '../../interfaces/storage.js';
import { MemoryStorage } from '../../memory/memory-storage.js';
import { LogTerms } from './log-terms.js';

/**
 * One server's durable medium, surviving its crashes: what completed writes left behind. Besides
 * the stored state (a MemoryStorage) it answers, synchronously, the durable hard state and the term
 * at an index, so that the harness can check that a server never acknowledged what was not durable.
 */
export class SimDisk {
  private readonly store = new MemoryStorage();
  private terms = new LogTerms();
  private hs: HardState = EMPTY_HARD_STATE;
  private snapIndex = 0;

  get hardState(): HardState {
    return this.hs;
  }

  /** Index covered by the durable snapshot (0 without one). */
  get snapshotIndex(): number {
    return this.snapIndex;
  }

  /** Durable term at `index`, or undefined when compacted away or absent. */
  term(index: number): number | undefined {
    return this.terms.term(index);
  }

  load(): PersistedState {
    return this.store.loadSync();
  }

  /** Read-only access to the stored state (Storage's read methods). */
  get reads(): Pick<MemoryStorage, 'entries' | 'term' | 'firstIndex' | 'lastIndex' | 'loadSnapshot'> {
    return this.store;
  }

  append(entries: readonly Entry[]): void {
    this.store.appendSync(entries);
    this.terms.append(entries);
  }

  truncateSuffix(fromIndex: number): void {
    this.store.truncateSuffixSync(fromIndex);
    this.terms.truncateSuffix(fromIndex);
  }

  setHardState(state: HardState): void {
    this.store.setHardStateSync(state);
    this.hs = state;
  }

  installSnapshot(snapshot: Snapshot): void {
    this.store.installSnapshotSync(snapshot);
    this.terms.installSnapshot(snapshot);
    this.snapIndex = snapshot.meta.index;
  }

  saveSnapshot(snapshot: Snapshot): void {
    this.store.saveSnapshotSync(snapshot);
    // MemoryStorage keeps the newer of two snapshots.
    this.snapIndex = Math.max(this.snapIndex, snapshot.meta.index);
  }

  compact(index: number): void {
    this.store.compactSync(index);
    this.terms.compact(index);
  }
}
