import type { RaftNode } from '../core/raft-node.js';
import type { Entry } from '../core/types.js';

interface SeenEntry {
  readonly data: Uint8Array;
  readonly kind: Entry['kind'];
  /** Term of the preceding entry in the log that holds this one (undefined when compacted). */
  readonly prevTerm: number | undefined;
}

/**
 * Checks Raft's safety properties incrementally, after every processed step of every server:
 *  - election safety: at most one leader per term;
 *  - log matching: equal (index, term) implies equal entry and equal predecessor term (hence equal prefixes);
 *  - leader completeness: a leader's log holds every entry known committed (checked at election, and for
 *    every later commit against the current leaders of terms above the committing server's);
 *  - state machine safety: a committed index never changes term;
 *  - leader commit rule (§5.4.2): a leader moves its commit index only onto an entry of its own
 *    term (older entries are committed indirectly). This catches a Figure 8 bug directly, even in
 *    runs where no later leader happens to overwrite the wrongly committed entry.
 * The first violation is kept; the harness reports it.
 */
export class SafetyChecker {
  violation: string | null = null;
  private readonly leaderOfTerm = new Map<number, number>();
  private readonly entries = new Map<string, SeenEntry>();
  /** index -> term of the committed entry. */
  private readonly committed = new Map<number, number>();
  private maxCommitted = 0;

  private fail(msg: string): void {
    if (this.violation === null) this.violation = msg;
  }

  onLeader(server: number, node: RaftNode): void {
    const prev = this.leaderOfTerm.get(node.term);
    if (prev !== undefined && prev !== server) {
      this.fail(`election safety: servers ${prev} and ${server} are both leader in term ${node.term}`);
      return;
    }
    this.leaderOfTerm.set(node.term, server);
    for (let idx = node.log.snapshotIndex + 1; idx <= this.maxCommitted; idx++) {
      const t = this.committed.get(idx);
      if (t !== undefined && node.log.term(idx) !== t) {
        this.fail(
          `leader completeness: leader ${server} of term ${node.term} has term ${node.log.term(idx)} at committed index ${idx} (committed term ${t})`,
        );
        return;
      }
    }
  }

  onAppend(server: number, node: RaftNode, appended: readonly Entry[]): void {
    for (const e of appended) {
      const prevTerm = node.log.term(e.index - 1);
      const key = `${e.index}:${e.term}`;
      const seen = this.entries.get(key);
      if (!seen) {
        this.entries.set(key, { data: e.data, kind: e.kind, prevTerm });
        continue;
      }
      if (seen.kind !== e.kind || !sameBytes(seen.data, e.data)) {
        this.fail(`log matching: server ${server} has a different entry at index ${e.index} term ${e.term}`);
      } else if (seen.prevTerm !== undefined && prevTerm !== undefined && seen.prevTerm !== prevTerm) {
        this.fail(
          `log matching: server ${server} entry ${e.index}/${e.term} follows term ${prevTerm}, elsewhere term ${seen.prevTerm}`,
        );
      }
    }
  }

  /** `node` led the same term before this step and its commit index moved. */
  onLeaderCommit(server: number, node: RaftNode): void {
    const t = node.log.term(node.log.committed);
    if (t !== node.term) {
      this.fail(
        `leader commit rule: leader ${server} of term ${node.term} advanced its commit index to ${node.log.committed}, an entry of term ${t}`,
      );
    }
  }

  /**
   * `node` moved its commit index from `from` to `to`; `leaders` are the current leaders. Only those
   * of later terms than `node`'s must hold the entries: the commit happened in `node`'s term or
   * before, and a stale leader (isolated, elected earlier) may lack an entry committed after it.
   */
  onCommit(server: number, node: RaftNode, from: number, to: number, leaders: readonly RaftNode[]): void {
    for (let idx = from + 1; idx <= to; idx++) {
      const t = node.log.term(idx);
      if (t === undefined) continue; // covered by an installed snapshot
      const known = this.committed.get(idx);
      if (known !== undefined && known !== t) {
        this.fail(
          `state machine safety: server ${server} committed term ${t} at index ${idx}, previously term ${known}`,
        );
        return;
      }
      if (known === undefined) this.committed.set(idx, t);
      for (const l of leaders) {
        if (l.term > node.term && idx > l.log.snapshotIndex && l.log.term(idx) !== t) {
          this.fail(
            `leader completeness: leader ${l.id} of term ${l.term} lacks committed entry ${idx}/${t}`,
          );
          return;
        }
      }
    }
    this.maxCommitted = Math.max(this.maxCommitted, to);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
