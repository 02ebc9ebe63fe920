import type { raftV1 } from '@flotilla/proto';
import type { StorageStats } from '../interfaces/storage.js';
import type { ServerStatus } from '../server/raft-server.js';
import type { TransportStats } from '../transport/grpc-transport.js';

type RaftState = Pick<
  ServerStatus,
  'id' | 'role' | 'term' | 'leader' | 'commitIndex' | 'appliedIndex' | 'lastIndex' | 'snapshotIndex'
>;

/**
 * The RaftNodeControl Status answer: the server's Raft state plus the cost counters a benchmark
 * divides by commits (syncs, saves, messages). Storage counters are 0 for a storage without them.
 */
export function statusResponse(
  raft: RaftState,
  storage: StorageStats | undefined,
  transport: TransportStats,
): raftV1.StatusResponse {
  const peers = Object.entries(transport.peers)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, p]) => ({ id, sent: p.sent, received: p.received, dropped: p.dropped }));
  return {
    id: raft.id,
    role: raft.role,
    term: raft.term,
    leader: raft.leader ?? '',
    commitIndex: raft.commitIndex,
    appliedIndex: raft.appliedIndex,
    lastIndex: raft.lastIndex,
    snapshotIndex: raft.snapshotIndex,
    storageSyncs: storage?.syncs ?? 0,
    storageSaves: storage?.saves ?? 0,
    messagesSent: transport.sent,
    messagesReceived: transport.received,
    messagesDropped: transport.dropped,
    peers,
  };
}
