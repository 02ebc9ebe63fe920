import { describe, expect, it } from 'vitest';
import type { Message } from './messages.js';
import { StepCluster } from '../testing/step-cluster.js';
import type { NodeId } from './types.js';

/**
 * Raft §5.4.2 / Figure 8: a leader commits by counting replicas only entries of its own term;
 * older entries are committed indirectly. Each case is a script of steps run against RaftNode
 * instances message by message (one entry per AppendEntries, so that a follower can hold an
 * old-term entry without the new leader's no-op). Index 1 is the bootstrap config entry (term 1).
 */
type Step =
  | { readonly elect: NodeId; readonly with: readonly NodeId[] }
  /** Campaigns twice (so the term passes any stale vote) and expects to lose. */
  | { readonly loseElection: NodeId; readonly with: readonly NodeId[] }
  | { readonly propose: NodeId; readonly command: string }
  /**
   * One heartbeat round from leader `from`, then its appends to `to` cut after index upTo (as if the
   * rest were lost) and the replies, until quiet.
   */
  | { readonly replicate: NodeId; readonly to: readonly NodeId[]; readonly upTo: number }
  | { readonly crash: NodeId }
  | { readonly restart: NodeId }
  | {
      readonly expect: NodeId;
      readonly commit?: number;
      readonly term?: number;
      readonly leader?: boolean;
      readonly log?: readonly string[];
    };

interface Case {
  readonly name: string;
  readonly servers: readonly NodeId[];
  readonly steps: readonly Step[];
}

const FIVE = ['s1', 's2', 's3', 's4', 's5'];
const THREE = ['s1', 's2', 's3'];

/** Figure 8 (a)–(c): S1 (term 2) writes index 3 to S2; S5 (term 3) writes its own index 3; S1 returns in term 4. */
const figure8Prefix: readonly Step[] = [
  { elect: 's1', with: ['s2', 's3', 's4', 's5'] },
  { replicate: 's1', to: ['s2', 's3', 's4', 's5'], upTo: 2 },
  { expect: 's1', term: 2, commit: 2 },
  // (a) index 3 of term 2 reaches S2 only.
  { propose: 's1', command: 'x' },
  { replicate: 's1', to: ['s2'], upTo: 3 },
  { expect: 's1', commit: 2 },
  { crash: 's1' },
  // (b) S5 leads term 3 with votes from S3, S4 and appends its no-op at index 3; nobody receives it.
  { elect: 's5', with: ['s3', 's4'] },
  { expect: 's5', term: 3, log: ['1:1', '2:2', '3:3'] },
  { crash: 's5' },
  // (c) S1 leads term 4 and replicates index 3 (term 2) to S3 and S4: on 4 of 5 logs, 3 known to S1.
  { restart: 's1' },
  { elect: 's1', with: ['s2', 's3', 's4'] },
  { expect: 's1', term: 4, log: ['1:1', '2:2', '3:2', '4:4'] },
  { replicate: 's1', to: ['s3', 's4'], upTo: 3 },
  { expect: 's3', log: ['1:1', '2:2', '3:2'] },
  // The rule under test: index 3 is on a majority but of an earlier term — not committed.
  { expect: 's1', leader: true, commit: 2 },
];

const CASES: readonly Case[] = [
  {
    name: 'figure 8 (d): the old-term entry was rightly not committed — S5 can still win and overwrite it',
    servers: FIVE,
    steps: [
      ...figure8Prefix,
      { crash: 's1' },
      { restart: 's5' },
      { elect: 's5', with: ['s2', 's3', 's4'] },
      { replicate: 's5', to: ['s2', 's3', 's4'], upTo: 10 },
      { expect: 's3', log: ['1:1', '2:2', '3:3', '4:5'] },
      { expect: 's5', commit: 4 },
    ],
  },
  {
    name: 'figure 8 (e): once an entry of term 4 is on a majority, it and index 3 are committed',
    servers: FIVE,
    steps: [
      ...figure8Prefix,
      { replicate: 's1', to: ['s3'], upTo: 4 },
      { expect: 's1', commit: 2 }, // S1, S3 at 4 and S4 at 3: the majority index is still 3
      { replicate: 's1', to: ['s4'], upTo: 4 },
      { expect: 's1', commit: 4 },
      { restart: 's5' },
      { loseElection: 's5', with: ['s2', 's3', 's4'] },
    ],
  },
  {
    name: 'three servers: a restarted leader does not commit its unreplicated old-term entry by counting',
    servers: THREE,
    steps: [
      { elect: 's1', with: ['s2', 's3'] },
      { replicate: 's1', to: ['s2', 's3'], upTo: 2 },
      { propose: 's1', command: 'x' },
      { expect: 's1', commit: 2, log: ['1:1', '2:2', '3:2'] },
      { crash: 's1' },
      { restart: 's1' },
      { elect: 's1', with: ['s2', 's3'] },
      { expect: 's1', term: 3, log: ['1:1', '2:2', '3:2', '4:3'] },
      { replicate: 's1', to: ['s2'], upTo: 3 },
      { expect: 's2', log: ['1:1', '2:2', '3:2'] },
      { expect: 's1', commit: 2 },
      { replicate: 's1', to: ['s2'], upTo: 4 },
      { expect: 's1', commit: 4 },
    ],
  },
];

function cutAfter(upTo: number): (m: Message) => Message {
  return (m) => (m.type === 'append' ? { ...m, entries: m.entries.filter((e) => e.index <= upTo) } : m);
}

function run(c: StepCluster, step: Step, at: number): void {
  const where = `step ${at} ${JSON.stringify(step)}`;
  if ('elect' in step) c.elect(step.elect, step.with);
  else if ('loseElection' in step) {
    for (let k = 0; k < 2; k++) {
      const group = new Set([step.loseElection, ...step.with]);
      c.campaign(step.loseElection);
      c.deliver((m) => group.has(m.from) && group.has(m.to) && (m.type === 'vote' || m.type === 'vote-resp'));
      expect(c.node(step.loseElection).role, where).not.toBe('leader');
    }
  } else if ('propose' in step) c.propose(step.propose, step.command);
  else if ('replicate' in step) {
    const from = step.replicate;
    const to = new Set(step.to);
    c.node(from).tick();
    c.flush(from);
    c.deliver(
      (m) =>
        (m.from === from && to.has(m.to) && (m.type === 'append' || m.type === 'heartbeat')) ||
        (m.to === from && to.has(m.from) && (m.type === 'append-resp' || m.type === 'heartbeat-resp')),
      cutAfter(step.upTo),
    );
  } else if ('crash' in step) c.crash(step.crash);
  else if ('restart' in step) c.restart(step.restart);
  else {
    const n = c.node(step.expect);
    if (step.commit !== undefined) expect(n.log.committed, where).toBe(step.commit);
    if (step.term !== undefined) expect(n.term, where).toBe(step.term);
    if (step.leader !== undefined) expect(n.role === 'leader', where).toBe(step.leader);
    if (step.log !== undefined) expect(c.logOf(step.expect), where).toEqual(step.log);
  }
}

describe('RaftNode commit rule (§5.4.2, Figure 8)', () => {
  it.each(CASES)('$name', ({ servers, steps }) => {
    const c = new StepCluster(servers, { maxEntriesPerMessage: 1 });
    steps.forEach((step, k) => run(c, step, k));
  });

  it('the commit index a leader sends never points at an uncommitted old-term entry', () => {
    const c = new StepCluster(FIVE, { maxEntriesPerMessage: 1 });
    figure8Prefix.forEach((step, k) => run(c, step, k));
    c.node('s1').tick(); // heartbeat
    c.flush('s1');
    const commits = c.queue.filter((m) => m.from === 's1' && (m.type === 'heartbeat' || m.type === 'append'));
    expect(commits.length).toBeGreaterThan(0);
    for (const m of commits)
      if (m.type === 'heartbeat' || m.type === 'append') expect(m.commit).toBeLessThanOrEqual(2);
  });
});
