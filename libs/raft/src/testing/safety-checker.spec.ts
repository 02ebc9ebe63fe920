import type { RaftNode } from '../core/raft-node.js';
import { SafetyChecker } from './safety-checker.js';

/** The few fields of a node the checker reads: its id, term, role and the terms of its log. */
function node(id: string, term: number, logTerms: number[], role: RaftNode['role'] = 'follower'): RaftNode {
  const log = { snapshotIndex: 0, committed: 0, term: (idx: number) => (idx === 0 ? 0 : logTerms[idx - 1]) };
  return { id, term, role, log } as unknown as RaftNode;
}

describe('SafetyChecker leader completeness on commit', () => {
  it('lets a stale leader of an older term lack an entry a later term committed', () => {
    // s3 led term 5 and was cut off; entry 2 (term 4, never committed in term 4) is committed in term 7.
    const checker = new SafetyChecker();
    const committing = node('s0', 7, [1, 4, 7], 'leader');
    const stale = node('s3', 5, [1, 5], 'leader');
    checker.onCommit(0, committing, 0, 3, [committing, stale]);
    expect(checker.violation).toBeNull();
  });

  it('fails when a leader of a later term than the committing server lacks the entry', () => {
    const checker = new SafetyChecker();
    const committing = node('s0', 4, [1, 4], 'leader');
    const later = node('s3', 5, [1, 5], 'leader');
    checker.onCommit(0, committing, 0, 2, [committing, later]);
    expect(checker.violation).toBe('leader completeness: leader s3 of term 5 lacks committed entry 2/4');
  });

  it('fails when a committed index is later committed with another term', () => {
    const checker = new SafetyChecker();
    checker.onCommit(0, node('s0', 4, [1, 4]), 0, 2, []);
    checker.onCommit(1, node('s1', 5, [1, 5]), 0, 2, []);
    expect(checker.violation).toBe(
      'state machine safety: server 1 committed term 5 at index 2, previously term 4',
    );
  });
});
