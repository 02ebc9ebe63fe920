import type { NodeId } from './types.js';

export interface RaftOptions {
  readonly id: NodeId;
  /** Base election timeout in ticks; the effective timeout is randomized in [electionTicks, 2*electionTicks). */
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  /** Run a pre-election round so that a partitioned node does not inflate terms. */
  readonly preVote: boolean;
  /** Leader steps down when it has not heard from a quorum for an election timeout; enables vote leases. */
  readonly checkQuorum: boolean;
  /** Max AppendEntries in flight per follower in replicate state. */
  readonly maxInflight: number;
  readonly maxEntriesPerMessage: number;
  readonly maxBytesPerMessage: number;
  readonly snapshotChunkBytes: number;
  /** Bytes of new entries handed to storage in one Ready (at least one entry). */
  readonly maxReadyBytes: number;
  /** Bytes of committed entries handed to the application in one Ready (at least one entry). */
  readonly maxCommittedBytesPerReady: number;
  /** Committed bytes handed to the application but not yet reported applied; beyond it, Readies hold back. */
  readonly maxApplyingBytes: number;
  /**
   * Leader: bytes of its entries not yet committed. A proposal beyond it is rejected as
   * 'overloaded' (one proposal is always accepted when nothing is pending). 0 = no limit.
   */
  readonly maxUncommittedBytes: number;
}

export const DEFAULT_OPTIONS: Omit<RaftOptions, 'id'> = {
  electionTicks: 10,
  heartbeatTicks: 1,
  preVote: true,
  checkQuorum: true,
  maxInflight: 64,
  maxEntriesPerMessage: 64,
  maxBytesPerMessage: 1 << 20,
  snapshotChunkBytes: 64 * 1024,
  maxReadyBytes: 4 << 20,
  maxCommittedBytesPerReady: 4 << 20,
  maxApplyingBytes: 16 << 20,
  maxUncommittedBytes: 64 << 20,
};

export function resolveOptions(partial: Partial<RaftOptions> & { id: NodeId }): RaftOptions {
  const o: RaftOptions = { ...DEFAULT_OPTIONS, ...partial };
  if (o.heartbeatTicks < 1 || o.electionTicks <= o.heartbeatTicks) {
    throw new Error('raft options: need 1 <= heartbeatTicks < electionTicks');
  }
  if (
    o.maxInflight < 1 ||
    o.maxEntriesPerMessage < 1 ||
    o.snapshotChunkBytes < 1 ||
    o.maxReadyBytes < 1 ||
    o.maxCommittedBytesPerReady < 1 ||
    o.maxApplyingBytes < 1 ||
    o.maxUncommittedBytes < 0
  ) {
    throw new Error('raft options: limits must be positive');
  }
  return o;
}
