import type { Message } from './messages.js';
import type { Entry, HardState, ReadState, Snapshot, SoftState } from './types.js';

/** The leader's answer to a proposal this server forwarded (see RaftNode.forwardProposal). */
export interface ForwardedProposalResult {
  readonly id: number;
  /** Index of the first command; 0 when rejected. */
  readonly index: number;
  readonly term: number;
  /** Empty when accepted, else the ProposeError. */
  readonly reject: string;
}

/**
 * Work the core hands to its driver. Process in this order:
 *  1. persist `snapshot` (if any; it replaces the whole log), then `entries` (replacing any stored
 *     suffix from entries[0].index), then `hardState` — all durably;
 *  2. send `messages` (they may depend on step 1: votes and append acks) — or, when
 *     `sendBeforePersist` is set, before step 1 (a leader's appends pipelined with its own write);
 *  3. call `markPersisted(ready)`;
 *  4. restore the state machine from `snapshot`, then apply `committedEntries` in order, reporting
 *     progress with `markApplied(index)` (this may happen later, beside the next Readies);
 *  5. serve `readStates` once applied >= their index.
 * A synchronous driver may call `advance(ready)` for steps 3 and 4 together.
 */
export interface Ready {
  readonly softState: SoftState | null;
  readonly hardState: HardState | null;
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  /** ReadIndex contexts dropped because leadership was lost (or the leader refused a forwarded read). */
  readonly droppedReads: readonly string[];
  /** Answers to proposals this server forwarded to the leader. */
  readonly forwardedProposals: readonly ForwardedProposalResult[];
  /**
   * The messages depend on nothing in this Ready's persistence: a leader whose term and vote are
   * already durable may send its appends while its own write is in flight (Raft thesis §10.2.1);
   * it counts itself towards commit only once `markPersisted` reports the entries durable.
   */
  readonly sendBeforePersist: boolean;
}
