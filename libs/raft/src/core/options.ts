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
  /** `safe`: ReadIndex confirmed by a heartbeat quorum. `lease`: trust CheckQuorum's lease (clock-drift sensitive). */
  readonly readOnly: 'safe' | 'lease';
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
  readOnly: 'safe',
};

export function resolveOptions(partial: Partial<RaftOptions> & { id: NodeId }): RaftOptions {
  const o: RaftOptions = { ...DEFAULT_OPTIONS, ...partial };
  if (o.heartbeatTicks < 1 || o.electionTicks <= o.heartbeatTicks) {
    throw new Error('raft options: need 1 <= heartbeatTicks < electionTicks');
  }
  if (o.maxInflight < 1 || o.maxEntriesPerMessage < 1 || o.snapshotChunkBytes < 1) {
    throw new Error('raft options: limits must be positive');
  }
  return o;
}
