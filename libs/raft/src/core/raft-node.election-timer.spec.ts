import { describe, expect, it } from 'vitest';
import { link, StepCluster } from '../testing/step-cluster.js';

/**
 * Figure 2: a follower's election timer restarts on the current leader's messages and on granting
 * a vote — not on merely seeing a higher term. Otherwise stale candidates that keep campaigning
 * (without PreVote) hold the only electable servers back forever.
 */
describe('RaftNode election timer', () => {
  it('an up-to-date follower still campaigns while a stale candidate keeps bumping the term', () => {
    const c = new StepCluster(['s1', 's2', 's3'], { electionTicks: 10 });
    c.elect('s1', ['s2', 's3']);
    c.deliver();
    c.propose('s1', 'x');
    c.deliver((m) => m.from !== 's3' && m.to !== 's3'); // s3 misses x: its log is stale
    c.crash('s1');
    c.drop();
    let campaigned = false;
    for (let t = 0; t < 40 && !campaigned; t++) {
      if (t % 4 === 0) {
        c.campaign('s3'); // refused by s2 (stale log), but carries a higher term every time
        c.deliver(link('s3', 's2', 'vote'));
        c.drop(link('s2', 's3'));
      }
      c.node('s2').tick();
      c.flush('s2');
      campaigned = c.queue.some((m) => m.from === 's2' && m.type === 'vote');
    }
    expect(campaigned).toBe(true);
  });
});
