import { describe, expect, it } from 'vitest';
import { link, StepCluster } from '../testing/step-cluster.js';

/**
 * Followers learn a new commit index as soon as the leader has it, not with the next heartbeat: a
 * follower answers a write forwarded through it, and serves its watches, only once it applies.
 */
describe('commit broadcast', () => {
  it('a commit made by one follower acknowledging reaches every follower at once, that one included', () => {
    const c = new StepCluster(['s1', 's2', 's3']);
    c.elect('s1', ['s2', 's3']);
    c.deliver(); // the no-op, committed everywhere
    const index = c.propose('s1', 'x');
    c.deliver(link('s1', '*', 'append')); // the entry reaches s2 and s3; their acks stay queued
    c.drop(link('s3', 's1', 'append-resp')); // s3's ack is lost
    c.deliver(link('s2', 's1', 'append-resp')); // s2's ack makes a quorum: s1 commits
    expect(c.node('s1').hardState().commit).toBe(index);
    expect(c.node('s2').hardState().commit).toBeLessThan(index);

    c.deliver(link('s1', '*', 'append')); // no tick, no heartbeat: only what s1 sent on committing
    expect(c.node('s2').hardState().commit).toBe(index);
    expect(c.node('s3').hardState().commit).toBe(index);
  });
});
