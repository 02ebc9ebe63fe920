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

/** The proposal's log entry was overwritten by another leader's entry: it will never be applied. */
export class ProposalDroppedError extends Error {
  constructor(
    readonly index: number,
    readonly term?: number,
  ) {
    super(
      `proposal at index ${index}${term === undefined ? '' : ` (term ${term})`} was superseded by a new leader's entry; it was not applied`,
    );
    this.name = 'ProposalDroppedError';
  }
}

/**
 * The proposal was not applied within its deadline. Its outcome is unknown: the entry may still
 * commit later (retry only if the command is idempotent). `leaderLost`: this server was no longer
 * the leader of the proposal's term when the deadline passed.
 */
export class ProposalTimeoutError extends Error {
  constructor(
    readonly index: number,
    readonly term: number,
    readonly timeoutMs: number,
    readonly leaderLost: boolean,
  ) {
    super(
      `proposal at index ${index} (term ${term}) not applied within ${timeoutMs} ms` +
        (leaderLost ? '; leadership was lost, outcome unknown' : '; outcome unknown'),
    );
    this.name = 'ProposalTimeoutError';
  }
}

/** The caller's AbortSignal fired. If `index` is set the entry was already in the log: outcome unknown. */
export class ProposalAbortedError extends Error {
  constructor(
    readonly index: number | null,
    readonly term: number | null,
    reason?: unknown,
  ) {
    super(
      index === null
        ? 'proposal aborted before it was proposed'
        : `proposal at index ${index} (term ${term}) aborted; outcome unknown`,
      { cause: reason },
    );
    this.name = 'ProposalAbortedError';
  }
}

/** `waitApplied` (e.g. a follower read) did not reach its index in time. */
export class ApplyTimeoutError extends Error {
  constructor(
    readonly index: number,
    readonly applied: number,
    readonly timeoutMs: number,
  ) {
    super(`applied index ${applied} did not reach ${index} within ${timeoutMs} ms`);
    this.name = 'ApplyTimeoutError';
  }
}

export class LearnerNotCaughtUpError extends Error {
  constructor(
    readonly learner: string,
    readonly match: number,
    readonly lastIndex: number,
    readonly timeoutMs: number,
  ) {
    super(
      `learner ${learner} did not catch up within ${timeoutMs} ms (match ${match}, leader's last index ${lastIndex}); not promoted`,
    );
    this.name = 'LearnerNotCaughtUpError';
  }
}

export class ServerStoppedError extends Error {
  constructor() {
    super('raft server stopped');
    this.name = 'ServerStoppedError';
  }
}
