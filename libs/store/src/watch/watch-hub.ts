import { toKeyRange, keyInRange, toKeyString, type KeyRange } from '../mvcc/key-range.js';
import type { MvccStore } from '../mvcc/mvcc-store.js';
import { EventType, type Event } from '../mvcc/types.js';

export interface WatchSpec {
  readonly key: Uint8Array;
  readonly rangeEnd: Uint8Array;
  /** First revision to report (inclusive); 0 = from the next write on. */
  readonly startRevision: number;
  readonly prevKv: boolean;
  readonly noPut: boolean;
  readonly noDelete: boolean;
}

/** Receives a watcher's events: all of one or more whole revisions, in revision order. */
export interface WatchSink {
  events(events: Event[], revision: number): void;
  /** The history this watcher still needed was compacted away: it is over. */
  compacted(compactRevision: number): void;
}

interface Watcher {
  readonly range: KeyRange;
  readonly spec: WatchSpec;
  readonly sink: WatchSink;
  /** The first revision this watcher has not been told about yet. */
  next: number;
}

export type WatchStart =
  | { readonly ok: true; readonly cancel: () => void }
  | { readonly ok: false; readonly compactRevision: number };

/**
 * Fans the applied writes out to watchers, on any member. A watcher that starts in the past is
 * first caught up from history, synchronously with applying, so it sees every revision exactly once
 * and in order; then it is fed each write's events as they are applied.
 */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(private readonly store: () => MvccStore) {}

  get size(): number {
    return this.watchers.size;
  }

  watch(spec: WatchSpec, sink: WatchSink): WatchStart {
    const store = this.store();
    const range = toKeyRange(spec.key, spec.rangeEnd);
    // A start in the future waits for that revision (etcd skips the writes before it).
    const w: Watcher = { range, spec, sink, next: Math.max(store.revision + 1, spec.startRevision) };
    if (spec.startRevision > 0 && spec.startRevision <= store.revision) {
      if (spec.startRevision < store.compactRevision)
        return { ok: false, compactRevision: store.compactRevision };
      this.catchUp(w, spec.startRevision);
    }
    this.watchers.add(w);
    return { ok: true, cancel: () => this.watchers.delete(w) };
  }

  /** Called while applying: the events of one write, all at `revision`. */
  publish(events: readonly Event[], revision: number): void {
    for (const w of this.watchers) {
      if (revision < w.next) continue;
      let out: Event[] | null = null;
      for (const e of events) {
        if (!keyInRange(toKeyString(e.kv.key), w.range) || filtered(w.spec, e)) continue;
        (out ??= []).push(w.spec.prevKv ? e : { ...e, prevKv: undefined });
      }
      w.next = revision + 1;
      if (out) w.sink.events(out, revision);
    }
  }

  /**
   * The state was replaced by a snapshot from the leader: each watcher catches up from the
   * revision it had reached, out of the snapshot's history (or learns it was compacted away).
   */
  resync(): void {
    const store = this.store();
    for (const w of [...this.watchers]) {
      if (w.next > store.revision) continue;
      if (w.next < store.compactRevision) {
        this.watchers.delete(w);
        w.sink.compacted(store.compactRevision);
        continue;
      }
      this.catchUp(w, w.next);
    }
  }

  private catchUp(w: Watcher, from: number): void {
    const store = this.store();
    const events = store.eventsSince(from, w.spec.key, w.spec.rangeEnd, { prevKv: w.spec.prevKv });
    let batch: Event[] = [];
    let revision = 0;
    for (const e of events) {
      if (e.kv.modRevision !== revision && batch.length > 0) {
        w.sink.events(batch, revision);
        batch = [];
      }
      revision = e.kv.modRevision;
      if (!filtered(w.spec, e)) batch.push(e);
    }
    if (batch.length > 0) w.sink.events(batch, revision);
    w.next = store.revision + 1;
  }
}

function filtered(spec: WatchSpec, e: Event): boolean {
  return (e.type === EventType.Put && spec.noPut) || (e.type === EventType.Delete && spec.noDelete);
}
