import type { NodeId } from './types.js';

export type VoteResult = 'won' | 'lost' | 'pending';

/** Commit index of an empty config: it never constrains a joint config. */
const UNCONSTRAINED = Number.MAX_SAFE_INTEGER;

/** Largest index that a majority of `voters` has matched. */
export function majorityCommitted(voters: readonly NodeId[], match: (id: NodeId) => number): number {
  if (voters.length === 0) return UNCONSTRAINED;
  const sorted = voters.map(match).sort((a, b) => b - a);
  return sorted[Math.floor(voters.length / 2)];
}

/** Vote tally; missing entries in `votes` are outstanding. */
export function majorityVoteResult(
  voters: readonly NodeId[],
  votes: ReadonlyMap<NodeId, boolean>,
): VoteResult {
  if (voters.length === 0) return 'won';
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const q = Math.floor(voters.length / 2) + 1;
  if (granted >= q) return 'won';
  if (granted + missing >= q) return 'pending';
  return 'lost';
}

/** Joint consensus: a decision needs a majority of both the incoming and the outgoing config. */
export interface JointConfig {
  readonly incoming: readonly NodeId[];
  readonly outgoing: readonly NodeId[];
}

export function jointCommitted(cfg: JointConfig, match: (id: NodeId) => number): number {
  return Math.min(majorityCommitted(cfg.incoming, match), majorityCommitted(cfg.outgoing, match));
}

export function jointVoteResult(cfg: JointConfig, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  const a = majorityVoteResult(cfg.incoming, votes);
  const b = majorityVoteResult(cfg.outgoing, votes);
  if (a === b) return a;
  if (a === 'lost' || b === 'lost') return 'lost';
  return 'pending';
}

/** True when the members for which `active` holds form a majority of both halves. */
export function jointHasQuorum(cfg: JointConfig, active: (id: NodeId) => boolean): boolean {
  const votes = new Map<NodeId, boolean>();
  for (const id of [...cfg.incoming, ...cfg.outgoing]) votes.set(id, active(id));
  return jointVoteResult(cfg, votes) === 'won';
}
