import type { RaftNode } from '../../core/raft-node.js';

interface CommittedEntry {
  readonly term: number;
  /** Lowest term of a server seen holding it committed: the term it was committed in, or later. */
  commitTerm: number;
}

/**
 * Election safety and leader completeness at election time. Unlike SafetyChecker.onLeader, a new
 * leader of term T is only required to hold entries committed in terms below T: a late vote
 * response can still elect a candidate of an old term after a later term committed entries; such a
 * stale leader cannot commit anything (every peer is in a later term) and need not hold them.
 */
export class ElectionChecks {
  private readonly leaderOfTerm = new Map<number, number>();
  private readonly committed = new Map<number, CommittedEntry>();
  private maxCommitted = 0;

  /** `node` (of server `server`) moved its commit index from `from` to its current one. */
  onCommit(node: RaftNode, from: number): void {
    const to = node.log.committed;
    for (let idx = from + 1; idx <= to; idx++) {
      const term = node.log.term(idx);
      if (term === undefined) continue; // covered by an installed snapshot
      const known = this.committed.get(idx);
      if (!known) this.committed.set(idx, { term, commitTerm: node.term });
      else known.commitTerm = Math.min(known.commitTerm, node.term);
    }
    this.maxCommitted = Math.max(this.maxCommitted, to);
  }

  /** Returns a violation, or null. */
  onLeader(server: number, node: RaftNode): string | null {
    const prev = this.leaderOfTerm.get(node.term);
    if (prev !== undefined && prev !== server)
      return `election safety: servers ${prev} and ${server} are both leader in term ${node.term}`;
    this.leaderOfTerm.set(node.term, server);
    for (let idx = node.log.snapshotIndex + 1; idx <= this.maxCommitted; idx++) {
      const c = this.committed.get(idx);
      if (c && c.commitTerm < node.term && node.log.term(idx) !== c.term)
        return `leader completeness: leader ${server} of term ${node.term} has term ${node.log.term(idx)} at index ${idx}, committed with term ${c.term} in term ${c.commitTerm}`;
    }
    return null;
  }
}
