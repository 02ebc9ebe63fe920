import type { Message } from './messages.js';
import type { Entry, HardState, ReadState, Snapshot, SoftState } from './types.js';

/**
 * Work the core hands to its driver. Process in this order, then call `advance(ready)`:
 *  1. persist `snapshot` (if any; it replaces the whole log), then `entries` (replacing any stored
 *     suffix from entries[0].index), then `hardState` — all durably;
 *  2. send `messages` (they may depend on step 1: votes and append acks);
 *  3. restore the state machine from `snapshot`, then apply `committedEntries` in order;
 *  4. serve `readStates` once applied >= their index.
 */
export interface Ready {
  readonly softState: SoftState | null;
  readonly hardState: HardState | null;
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  /** ReadIndex contexts dropped because leadership was lost. */
  readonly droppedReads: readonly string[];
}
