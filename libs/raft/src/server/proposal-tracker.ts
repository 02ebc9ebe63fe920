import type { Entry } from '../core/types.js';
import type { Clock, TimerHandle } from '../interfaces/clock.js';
import {
  ProposalAbortedError,
  ProposalCoveredBySnapshotError,
  ProposalDroppedError,
  ProposalTimeoutError,
} from './errors.js';

export interface TrackOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** See ProposeOptions.leaderOnly. */
  readonly leaderOnly?: boolean;
}

/** A proposal from `propose()` until it settles; `index` is 0 until it has a place in the log. */
export interface PendingProposal<R> {
  readonly command: Uint8Array;
  readonly kind: 'normal' | 'config';
  readonly leaderOnly: boolean;
  index: number;
  term: number;
  settled: boolean;
  resolve(result: R | undefined): void;
  reject(error: Error): void;
}

/**
 * Proposals waiting to be applied, keyed by log index once placed. Each settles exactly once:
 * applied, overwritten, covered by a snapshot, timed out, aborted or stopped.
 */
export class ProposalTracker<R> {
  private readonly byIndex = new Map<number, PendingProposal<R>>();
  private readonly open = new Set<PendingProposal<R>>();
  /** Outcomes of the latest applied entries, for a forwarded answer that arrives after its entry applied. */
  private readonly recent = new Map<number, { term: number; data: Uint8Array; result: R | undefined }>();

  constructor(
    private readonly clock: Clock,
    /** Whether this server still leads `term` (for the timeout error's `leaderLost`). */
    private readonly leads: (term: number) => boolean,
    /** Whether the entry at `index` is applied here already. */
    private readonly isApplied: (index: number) => boolean,
    private readonly recentLimit = 4096,
  ) {}

  get size(): number {
    return this.open.size;
  }

  create(
    command: Uint8Array,
    kind: 'normal' | 'config',
    options: TrackOptions,
  ): { pending: PendingProposal<R>; promise: Promise<R | undefined> } {
    let pending!: PendingProposal<R>;
    const promise = new Promise<R | undefined>((resolve, reject) => {
      let timer: TimerHandle | null = null;
      const { signal } = options;
      const finish = (): boolean => {
        if (pending.settled) return false;
        pending.settled = true;
        this.open.delete(pending);
        if (pending.index > 0 && this.byIndex.get(pending.index) === pending)
          this.byIndex.delete(pending.index);
        timer?.cancel();
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      pending = {
        command,
        kind,
        leaderOnly: options.leaderOnly ?? false,
        index: 0,
        term: 0,
        settled: false,
        resolve: (v) => {
          if (finish()) resolve(v);
        },
        reject: (e) => {
          if (finish()) reject(e);
        },
      };
      const onAbort = (): void => {
        const placed = pending.index > 0;
        pending.reject(
          new ProposalAbortedError(
            placed ? pending.index : null,
            placed ? pending.term : null,
            signal?.reason,
          ),
        );
      };
      if (options.timeoutMs > 0) {
        timer = this.clock.setTimeout(() => {
          const leaderLost = pending.index === 0 || !this.leads(pending.term);
          pending.reject(
            new ProposalTimeoutError(pending.index, pending.term, options.timeoutMs, leaderLost),
          );
        }, options.timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.open.add(pending);
    });
    return { pending, promise };
  }

  /**
   * The proposal now sits at (index, term) in the leader's log. A forwarded answer can arrive after
   * that entry was applied here: then the recorded outcome settles it at once.
   */
  place(pending: PendingProposal<R>, index: number, term: number): void {
    if (pending.settled) return;
    pending.index = index;
    pending.term = term;
    if (this.isApplied(index)) {
      const done = this.recent.get(index);
      if (!done) {
        pending.reject(new ProposalCoveredBySnapshotError(index, index));
      } else if (done.term === term && sameBytes(done.data, pending.command)) {
        pending.resolve(done.result);
      } else {
        pending.reject(new ProposalDroppedError(index, term));
      }
      return;
    }
    const previous = this.byIndex.get(index);
    // An older proposal at the same index lost its place to this one: it will never apply.
    if (previous && previous !== pending) previous.reject(new ProposalDroppedError(index, previous.term));
    this.byIndex.set(index, pending);
  }

  /**
   * Entry `e` was applied with `result`; settles whichever proposal waited at its index. Only a
   * committed entry of another term proves a proposal lost: an entry overwritten in this server's
   * log may still have been committed by another leader.
   */
  applied(e: Entry, result: R | undefined): void {
    this.recent.set(e.index, { term: e.term, data: e.data, result });
    if (this.recent.size > this.recentLimit) this.recent.delete(this.recent.keys().next().value as number);
    const p = this.byIndex.get(e.index);
    if (!p) return;
    if (p.term === e.term && sameBytes(e.data, p.command)) p.resolve(result);
    else p.reject(new ProposalDroppedError(e.index, p.term));
  }

  /** A snapshot from the leader replaced the log up to `index`: those outcomes are unknown here. */
  coveredBySnapshot(index: number): void {
    for (const p of [...this.byIndex.values()]) {
      if (p.index <= index) p.reject(new ProposalCoveredBySnapshotError(p.index, index));
    }
  }

  /** A snapshot replaced the state: recorded outcomes up to its index are no longer this server's to tell. */
  forgetUpTo(index: number): void {
    for (const i of [...this.recent.keys()]) if (i <= index) this.recent.delete(i);
  }

  rejectAll(error: Error): void {
    for (const p of [...this.open]) p.reject(error);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}
