import { describe, expect, it } from 'vitest';
import { RaftNode } from './raft-node.js';
import type { Ready } from './ready.js';
import { createRng } from './rng.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A single-voter leader, driven synchronously. */
function soloLeader(opts: Partial<ConstructorParameters<typeof RaftNode>[0]['options']> = {}): RaftNode {
  const node = new RaftNode({
    options: { id: 'a', ...opts },
    rng: createRng(1),
    bootstrap: { voters: ['a'], learners: [] },
  });
  drain(node); // applies the bootstrap configuration
  node.campaign();
  drain(node);
  if (node.role !== 'leader') throw new Error('solo node did not become leader');
  return node;
}

function drain(node: RaftNode): Ready[] {
  const out: Ready[] = [];
  while (node.hasReady()) {
    const rd = node.ready();
    node.advance(rd);
    out.push(rd);
  }
  return out;
}

describe('RaftNode runtime API', () => {
  it('records the membership as of the compacted index, not the current one', () => {
    const node = soloLeader();
    node.propose(bytes('x'));
    drain(node);
    const beforeChange = node.log.applied;
    expect(node.proposeConfigChange({ type: 'add-learner', id: 'b' }).ok).toBe(true);
    drain(node);
    expect(node.membership.learners).toEqual(['b']);
    const snap = node.compact(beforeChange, bytes('state'));
    expect(snap?.meta.config).toEqual({ voters: ['a'], learners: [] });
    const later = node.compact(node.log.applied, bytes('state'));
    expect(later?.meta.config).toEqual({ voters: ['a'], learners: ['b'] });
  });

  it('returns null from compact when the log is already compacted past the index', () => {
    const node = soloLeader();
    node.propose(bytes('x'));
    drain(node);
    const index = node.log.applied;
    expect(node.compact(index, bytes('s'))).not.toBeNull();
    expect(node.compact(index, bytes('s'))).toBeNull();
  });

  it('applies membership changes only when markApplied reaches them', () => {
    const node = soloLeader();
    node.proposeConfigChange({ type: 'add-learner', id: 'b' });
    const rd = node.ready();
    node.markPersisted(rd);
    const rd2 = node.ready();
    const config = rd2.committedEntries.find((e) => e.kind === 'config');
    expect(config).toBeDefined();
    expect(node.membership.learners).toEqual([]);
    node.markApplied(config?.index ?? 0);
    expect(node.membership.learners).toEqual(['b']);
  });

  it('holds committed entries back while the application is behind by maxApplyingBytes', () => {
    const node = soloLeader({ maxApplyingBytes: 100, maxCommittedBytesPerReady: 60 });
    node.proposeBatch([new Uint8Array(50), new Uint8Array(50), new Uint8Array(50)]);
    const handed: number[] = [];
    for (let i = 0; i < 10 && node.hasReady(); i++) {
      const rd = node.ready();
      node.markPersisted(rd);
      handed.push(...rd.committedEntries.map((e) => e.index));
    }
    const last = node.log.lastIndex();
    // 50 + 50 bytes handed out, the third entry waits for markApplied.
    expect(handed).not.toContain(last);
    node.markApplied(Math.max(...handed));
    const rd = node.ready();
    expect(rd.committedEntries.map((e) => e.index)).toContain(last);
  });

  it('caps the entries of one Ready at maxReadyBytes', () => {
    const node = soloLeader({ maxReadyBytes: 100 });
    node.proposeBatch([new Uint8Array(60), new Uint8Array(60), new Uint8Array(60)]);
    const rd = node.ready();
    expect(rd.entries).toHaveLength(1);
  });

  it('lets a leader send before persisting only when its term and vote are already durable', () => {
    const node = new RaftNode({
      options: { id: 'a' },
      rng: createRng(1),
      bootstrap: { voters: ['a', 'b', 'c'], learners: [] },
    });
    drain(node);
    node.campaign();
    const campaign = node.ready();
    expect(campaign.sendBeforePersist).toBe(false);
    node.advance(campaign);
    for (const from of ['b', 'c']) {
      node.step({ type: 'pre-vote-resp', from, to: 'a', term: node.term + 1, granted: true });
    }
    const election = node.ready();
    expect(election.hardState?.vote).toBe('a');
    expect(election.sendBeforePersist).toBe(false);
    node.advance(election);
    node.step({ type: 'vote-resp', from: 'b', to: 'a', term: node.term, granted: true });
    expect(node.role).toBe('leader');
    const first = node.ready();
    expect(first.sendBeforePersist).toBe(true);
    expect(first.messages.some((m) => m.type === 'append')).toBe(true);
  });
});
