import type { RaftNode } from '../../core/raft-node.js';
import type { SafetyChecker } from '../safety-checker.js';
import { ElectionChecks } from './election-checks.js';

interface Seen {
  role: RaftNode['role'];
  term: number;
  commit: number;
  voters: readonly string[];
}

/**
 * Feeds the SafetyChecker and ElectionChecks from the servers' core nodes (`RaftServer.debugNode()`)
 * after every simulator event: new leaders (election safety, leader completeness), commit index moves
 * (leader commit rule, committed entries never change, leaders of later terms hold them). The synchronous
 * simulator calls the checker per Ready; here an event is the unit, since the runtime processes
 * Readies on its own.
 */
export class SafetyObserver {
  private readonly seen: (Seen | null)[];
  private readonly elections = new ElectionChecks();
  /** First violation found by the election checks (SafetyChecker keeps its own). */
  violation: string | null = null;

  constructor(
    private readonly checker: SafetyChecker,
    n: number,
    private readonly hooks: {
      onNewLeader(server: number, term: number): void;
      /**
       * A leader's commit index moved (the harness checks that a quorum holds it durably).
       * `votersBefore`: the configuration seen before this event; a change applied in the same
       * event may postdate the commit.
       */
      onLeaderCommit(server: number, node: RaftNode, votersBefore: readonly string[]): void;
    },
  ) {
    this.seen = new Array<Seen | null>(n).fill(null);
  }

  /** A new incarnation: its restored commit index was checked when first committed. */
  forget(server: number): void {
    this.seen[server] = null;
  }

  observe(nodes: readonly (RaftNode | null)[]): void {
    let leaders: RaftNode[] | null = null;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (!node) continue;
      let s = this.seen[i];
      if (!s) {
        s = { role: 'follower', term: node.term, commit: node.log.committed, voters: node.membership.voters };
        this.seen[i] = s;
      }
      const committed = node.log.committed;
      if (node.role === 'leader' && (s.role !== 'leader' || s.term !== node.term)) {
        this.violation ??= this.elections.onLeader(i, node);
        this.hooks.onNewLeader(i, node.term);
      }
      if (committed > s.commit) {
        if (node.role === 'leader' && s.role === 'leader' && s.term === node.term)
          this.checker.onLeaderCommit(i, node);
        if (node.role === 'leader') this.hooks.onLeaderCommit(i, node, s.voters);
        leaders ??= nodes.filter((x): x is RaftNode => x !== null && x.role === 'leader');
        this.checker.onCommit(i, node, s.commit, committed, leaders);
        this.elections.onCommit(node, s.commit);
      }
      s.role = node.role;
      s.term = node.term;
      s.commit = committed;
      s.voters = node.membership.voters;
    }
  }
}
