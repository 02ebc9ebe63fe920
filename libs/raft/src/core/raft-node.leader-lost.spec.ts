import { describe, expect, it } from 'vitest';
import type { NodeId } from './types.js';
import { StepCluster } from '../testing/step-cluster.js';

const ELECTION_TICKS = 10;
/** As servers run (StepCluster's own defaults turn both off). */
const OPTIONS = { electionTicks: ELECTION_TICKS, preVote: true, checkQuorum: true };

/** Ticks the live followers (and delivers everything) until one leads; returns the ticks it took. */
function ticksToNewLeader(c: StepCluster, followers: readonly NodeId[], limit = 4 * ELECTION_TICKS): number {
  for (let t = 1; t <= limit; t++) {
    for (const id of followers) {
      c.node(id).tick();
      c.flush(id);
    }
    c.deliver();
    if (followers.some((id) => c.node(id).role === 'leader')) return t;
  }
  return Infinity;
}

/** s1 campaigns (pre-vote, then vote) and everything is delivered. */
function electS1(c: StepCluster): void {
  c.campaign('s1');
  c.deliver();
  expect(c.node('s1').role).toBe('leader');
}

/**
 * A follower told that its connection to the leader broke (a killed leader's sockets close at
 * once) campaigns within a few ticks, not after a whole election timeout; the followers take turns
 * by id, so they do not split the vote. A false alarm about a live leader changes nothing.
 */
describe('RaftNode.leaderConnectionLost', () => {
  it('a crashed leader is replaced within 1 + turn ticks, the first in id order winning', () => {
    const c = new StepCluster(['s1', 's2', 's3'], OPTIONS);
    electS1(c);
    const term = c.node('s2').term;
    c.crash('s1');
    c.node('s2').leaderConnectionLost('s1');
    c.node('s3').leaderConnectionLost('s1');
    expect(ticksToNewLeader(c, ['s2', 's3'])).toBe(1);
    expect(c.node('s2').role).toBe('leader');
    expect(c.node('s2').term).toBe(term + 1); // one election: no split vote
    expect(c.node('s3').leader).toBe('s2');
  });

  it('the next in turn takes over when the first cannot win (its log is behind)', () => {
    const c = new StepCluster(['s1', 's2', 's3'], OPTIONS);
    electS1(c);
    c.propose('s1', 'x');
    c.deliver((m) => m.to !== 's2' && m.from !== 's2'); // s2 misses x
    c.crash('s1');
    c.drop();
    c.node('s2').leaderConnectionLost('s1');
    c.node('s3').leaderConnectionLost('s1');
    expect(ticksToNewLeader(c, ['s2', 's3'])).toBe(2);
    expect(c.node('s3').role).toBe('leader');
  });

  it('without the hint the same crash takes at least a whole election timeout', () => {
    const c = new StepCluster(['s1', 's2', 's3'], OPTIONS);
    electS1(c);
    c.crash('s1');
    expect(ticksToNewLeader(c, ['s2', 's3'])).toBeGreaterThanOrEqual(ELECTION_TICKS);
  });

  it('a false alarm about a live leader: no term change, and its heartbeat keeps it leading', () => {
    const c = new StepCluster(['s1', 's2', 's3'], OPTIONS);
    electS1(c);
    const term = c.node('s1').term;
    c.node('s2').leaderConnectionLost('s1'); // s2's link flapped; s3 still hears s1
    for (let t = 0; t < 3 * ELECTION_TICKS; t++) {
      for (const id of ['s1', 's2', 's3']) {
        c.node(id).tick();
        c.flush(id);
      }
      c.deliver();
    }
    expect(c.node('s1').role).toBe('leader');
    for (const id of ['s1', 's2', 's3']) expect(c.node(id).term).toBe(term);
  });

  it('is ignored for a peer that is not the leader, and without PreVote', () => {
    const c = new StepCluster(['s1', 's2', 's3'], { ...OPTIONS, preVote: false });
    electS1(c);
    c.crash('s1');
    c.node('s2').leaderConnectionLost('s1');
    c.node('s3').leaderConnectionLost('s3');
    expect(ticksToNewLeader(c, ['s2', 's3'])).toBeGreaterThanOrEqual(ELECTION_TICKS);
  });
});
