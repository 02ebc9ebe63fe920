import type { Kv, PlainEvent } from './fixtures.js';

/**
 * An obviously-correct MVCC model for randomized checks: the whole key space after every revision, as
 * maps. Slow and memory-hungry on purpose; it only has to be right.
 */
export class ReferenceModel {
  revision = 1;
  compactRevision = -1;
  private readonly states = new Map<number, Map<string, Kv>>([[1, new Map()]]);
  private readonly events: Array<PlainEvent & { revision: number }> = [];

  put(key: string, value: string): void {
    const next = new Map(this.at(this.revision));
    const revision = this.revision + 1;
    const prev = next.get(key);
    const kv: Kv = {
      key,
      create: prev ? prev.create : revision,
      mod: revision,
      version: prev ? prev.version + 1 : 1,
      value,
      lease: 0,
    };
    next.set(key, kv);
    this.commit(next);
    this.events.push({ revision, type: 'PUT', kv, ...(prev ? { prev } : {}) });
  }

  /** Deletes keys in [start, end) (or `start` alone); returns how many. */
  delete(start: string, end?: string): number {
    const next = new Map(this.at(this.revision));
    const doomed = [...next.keys()]
      .filter((key) => (end === undefined ? key === start : key >= start && key < end))
      .sort();
    if (doomed.length === 0) return 0;
    const revision = this.revision + 1;
    for (const key of doomed) {
      const prev = next.get(key)!;
      next.delete(key);
      this.events.push({
        revision,
        type: 'DELETE',
        kv: { key, create: 0, mod: revision, version: 0, value: '', lease: 0 },
        prev,
      });
    }
    this.commit(next);
    return doomed.length;
  }

  compact(revision: number): void {
    this.compactRevision = revision;
  }

  /** Live keys at `revision`, in key order. */
  rangeAt(revision: number, start: string, end?: string): Kv[] {
    return [...this.at(revision).values()]
      .filter((kv) => (end === undefined ? kv.key >= start : kv.key >= start && kv.key < end))
      .sort((x, y) => (x.key < y.key ? -1 : 1));
  }

  /**
   * What a watcher from `start` gets. At exactly the compaction revision etcd has dropped deletions,
   * and the previous kv of anything at that revision (it would be read below the compaction point).
   */
  eventsSince(start: string, startRevision: number): PlainEvent[] {
    return this.events
      .filter((e) => e.revision >= startRevision && e.kv.key >= start)
      .filter((e) => !(e.revision === this.compactRevision && e.type === 'DELETE'))
      .map(({ revision, ...event }) => {
        if (revision === this.compactRevision) delete event.prev;
        return event;
      });
  }

  private at(revision: number): Map<string, Kv> {
    return this.states.get(revision)!;
  }

  private commit(next: Map<string, Kv>): void {
    this.revision++;
    this.states.set(this.revision, next);
  }
}
