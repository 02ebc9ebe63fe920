import { describe, expect, it } from 'vitest';
import type { TransportStats } from '../transport/grpc-transport.js';
import { statusResponse } from './node-status.js';

const raft = {
  id: 'n1',
  role: 'leader' as const,
  term: 4,
  leader: 'n1',
  commitIndex: 90,
  appliedIndex: 88,
  lastIndex: 91,
  snapshotIndex: 50,
};

const peer = (sent: number, received: number, dropped: number) => ({
  sent,
  received,
  dropped,
  failures: 0,
  queued: 0,
});

const transport: TransportStats = {
  received: 70,
  rejected: 1,
  rejectedCluster: 2,
  unhandled: 0,
  sent: 130,
  dropped: 5,
  peers: { n3: peer(60, 30, 1), n2: peer(65, 40, 0) },
};

describe('statusResponse', () => {
  it('carries the Raft state, storage and transport counters, peers by id', () => {
    expect(statusResponse(raft, { syncs: 12, saves: 10 }, transport)).toEqual({
      ...raft,
      storageSyncs: 12,
      storageSaves: 10,
      messagesSent: 130,
      messagesReceived: 70,
      messagesDropped: 5,
      peers: [
        { id: 'n2', sent: 65, received: 40, dropped: 0 },
        { id: 'n3', sent: 60, received: 30, dropped: 1 },
      ],
    });
  });

  it('reports 0 storage counters for a storage without stats, and an empty leader as ""', () => {
    const r = statusResponse({ ...raft, role: 'follower', leader: null }, undefined, transport);
    expect(r).toMatchObject({ leader: '', storageSyncs: 0, storageSaves: 0 });
  });
});
