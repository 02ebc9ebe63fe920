import type { NodeId } from '../core/types.js';

/** This server cannot serve the request; retry at `leader` if known. */
export class NotLeaderError extends Error {
  constructor(
    readonly leader: NodeId | null,
    reason = 'not the leader',
  ) {
    super(leader ? `${reason}; leader is ${leader}` : reason);
    this.name = 'NotLeaderError';
  }
}

/** The proposal was overwritten by another leader's entry; it was not applied. */
export class ProposalDroppedError extends Error {
  constructor(index: number) {
    super(`proposal at index ${index} was superseded by a new leader`);
    this.name = 'ProposalDroppedError';
  }
}

export class ServerStoppedError extends Error {
  constructor() {
    super('raft server stopped');
    this.name = 'ServerStoppedError';
  }
}
