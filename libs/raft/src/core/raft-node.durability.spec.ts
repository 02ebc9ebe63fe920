import { describe, expect, it } from 'vitest';
import { link, StepCluster } from '../testing/step-cluster.js';
import { RaftNode } from './raft-node.js';
import { createRng } from './rng.js';

/** What must be durable before a message leaves (Ready contract) and what a restart must remember. */
describe('RaftNode durability', () => {
  it('a granted vote is in the hard state of the Ready that carries the vote response', () => {
    const voter = new RaftNode({
      options: { id: 'b', preVote: false },
      rng: createRng(1),
      bootstrap: { voters: ['a', 'b', 'c'], learners: [] },
    });
    while (voter.hasReady()) voter.advance(voter.ready());
    voter.step({ type: 'vote', from: 'a', to: 'b', term: 2, lastIndex: 1, lastTerm: 1, force: false });
    const rd = voter.ready();
    expect(rd.messages).toEqual([
      expect.objectContaining({ type: 'vote-resp', to: 'a', granted: true, term: 2 }),
    ]);
    expect(rd.hardState).toEqual(expect.objectContaining({ term: 2, vote: 'a' }));
  });

  it('an append ack is sent in the Ready that persists the acked entries', () => {
    const c = new StepCluster(['a', 'b', 'c']);
    c.elect('a', ['b', 'c']);
    c.propose('a', 'x');
    const append = c.queue.find((m) => m.type === 'append' && m.to === 'b');
    if (append?.type !== 'append') throw new Error('no append to b');
    const last = append.entries[append.entries.length - 1].index;
    const b = c.node('b');
    b.step(append);
    const rd = b.ready();
    const ack = rd.messages.find((m) => m.type === 'append-resp');
    expect(ack).toMatchObject({ reject: false, index: last });
    expect(rd.entries.map((e) => e.index)).toContain(last);
  });

  it('a server that voted, crashed and restarted does not vote again in the same term', () => {
    const c = new StepCluster(['s1', 's2', 's3']);
    c.campaign('s1'); // term 2
    c.deliver(link('s1', 's2', 'vote')); // s2 votes for s1 (the response stays queued)
    expect(c.persisted('s2').hardState).toMatchObject({ term: 2, vote: 's1' });
    c.crash('s2');
    c.restart('s2');
    expect(c.node('s2').vote).toBe('s1');
    // s3 campaigns in the same term 2: s2 must refuse, so s3 cannot get a majority.
    c.campaign('s3');
    expect(c.node('s3').term).toBe(2);
    c.deliver(link('s3', 's2', 'vote'));
    c.deliver(link('s2', 's3', 'vote-resp'));
    expect(c.node('s3').role).not.toBe('leader');
  });

  it('the term and the log survive a restart of every server', () => {
    const c = new StepCluster(['s1', 's2', 's3']);
    c.elect('s1', ['s2', 's3']);
    c.propose('s1', 'x');
    c.deliver();
    for (const id of c.ids) {
      c.crash(id);
      c.restart(id);
      expect(c.node(id).term).toBe(2);
      expect(c.logOf(id)).toEqual(['1:1', '2:2', '3:2']);
    }
  });
});
