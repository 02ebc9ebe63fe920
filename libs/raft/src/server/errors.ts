import type { NodeId } from '../core/types.js';

/** This server cannot serve the request; retry at `leader` (reachable at `leaderAddress`) if known. */
export class NotLeaderError extends Error {
  constructor(
    readonly leader: NodeId | null,
    reason = 'not the leader',
    readonly leaderAddress?: string,
  ) {
    super(
      leader
        ? `${reason}; leader is ${leader}${leaderAddress ? ` at ${leaderAddress}` : ''}`
        : `${reason}; no leader known`,
    );
    this.name = 'NotLeaderError';
  }
}

/** A leadership transfer is under way; proposals resume on the new leader. */
export class LeadershipTransferInProgressError extends Error {
  constructor(readonly target: NodeId | null) {
    super(`leadership transfer${target ? ` to ${target}` : ''} in progress; retry on the new leader`);
    this.name = 'LeadershipTransferInProgressError';
  }
}

/** The leader did not hand over to `target` in time; it may still be leader. */
export class TransferTimeoutError extends Error {
  constructor(
    readonly target: NodeId,
    readonly timeoutMs: number,
  ) {
    super(`leadership transfer to ${target} did not complete within ${timeoutMs} ms`);
    this.name = 'TransferTimeoutError';
  }
}

/** One membership change at a time: the previous one is not applied yet. */
export class ConfigChangePendingError extends Error {
  constructor() {
    super('a membership change is already in progress; retry once it is applied');
    this.name = 'ConfigChangePendingError';
  }
}

/** The membership change makes no sense for the current configuration. */
export class InvalidConfigChangeError extends Error {
  constructor(readonly detail: string) {
    super(`invalid membership change: ${detail}`);
    this.name = 'InvalidConfigChangeError';
  }
}

/**
 * Too many proposed bytes are not yet committed (or not yet applied): the proposal was refused
 * before entering the log, so retrying later is safe. Stores map it to RESOURCE_EXHAUSTED.
 */
export class OverloadedError extends Error {
  constructor(readonly limitBytes: number) {
    super(`raft is overloaded: more than ${limitBytes} proposed bytes are not committed yet; retry later`);
    this.name = 'OverloadedError';
  }
}

/**
 * A snapshot from the leader replaced this server's log before the proposal's entry was applied
 * here: whether it was committed cannot be told from this server. Outcome unknown.
 */
export class ProposalCoveredBySnapshotError extends Error {
  constructor(
    readonly index: number,
    readonly snapshotIndex: number,
  ) {
    super(
      `outcome of the proposal at index ${index} unknown: a snapshot from the leader (up to index ${snapshotIndex}) replaced the log before it was applied here`,
    );
    this.name = 'ProposalCoveredBySnapshotError';
  }
}

/** A read index was not confirmed in time (no leader, or the leader could not reach a quorum). */
export class ReadIndexTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`read index not confirmed by a quorum within ${timeoutMs} ms`);
    this.name = 'ReadIndexTimeoutError';
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
 * the leader of the proposal's term when the deadline passed. `index` is 0 when the proposal was
 * forwarded to the leader and no answer came back.
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
