import { Inflights } from './inflights.js';
import type { Snapshot } from './types.js';

/**
 * probe: next is a guess; one AppendEntries at a time until a reply shows where the logs match.
 * replicate: logs match; stream entries optimistically, bounded by the inflight window.
 * snapshot: follower needs the snapshot; send it in chunks, one at a time.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** The leader's view of one peer's log. */
export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** probe: an append is outstanding; wait for its reply or a heartbeat reply. */
  probeSent = false;
  /** Heard from since the last CheckQuorum round. */
  recentActive = true;
  readonly inflights: Inflights;
  /** snapshot state: the snapshot being sent and the next byte offset to send. */
  snapshot: Snapshot | null = null;
  snapshotOffset = 0;

  constructor(
    next: number,
    maxInflight: number,
    public isLearner: boolean,
  ) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
  }

  private resetState(state: ProgressState): void {
    this.state = state;
    this.probeSent = false;
    this.inflights.reset();
    this.snapshot = null;
    this.snapshotOffset = 0;
  }

  becomeProbe(): void {
    const snapIndex = this.snapshot?.meta.index ?? 0;
    const fromSnapshot = this.state === 'snapshot';
    this.resetState('probe');
    this.next = fromSnapshot ? Math.max(this.match + 1, snapIndex + 1) : this.match + 1;
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshot: Snapshot): void {
    this.resetState('snapshot');
    this.snapshot = snapshot;
  }

  /** An accepted reply says the follower matches up to `index`. Returns false for stale replies. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /** Entries up to `lastIndex` were just sent. */
  sentEntries(lastIndex: number): void {
    if (this.state === 'replicate') {
      this.next = lastIndex + 1;
      this.inflights.add(lastIndex);
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  /**
   * A rejection of the append whose prevIndex was `rejected`; `hint` is the leader's best guess
   * of the last matching index. Returns false when the rejection is stale.
   */
  maybeDecrTo(rejected: number, hint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, hint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }
}
