import { describe, expect, it } from 'vitest';
import { Inflights } from './inflights.js';
import { Progress } from './progress.js';

describe('Inflights', () => {
  it('bounds and frees in order', () => {
    const f = new Inflights(3);
    f.add(5);
    f.add(9);
    f.add(12);
    expect(f.full()).toBe(true);
    expect(() => f.add(13)).toThrow();
    f.freeLE(9);
    expect(f.count).toBe(1);
    f.freeFirstOne();
    expect(f.count).toBe(0);
  });
});

describe('Progress', () => {
  it('probe: one append at a time until acked', () => {
    const p = new Progress(10, 4, false);
    expect(p.isPaused()).toBe(false);
    p.sentEntries(12);
    expect(p.isPaused()).toBe(true);
    expect(p.maybeUpdate(12)).toBe(true);
    expect(p.isPaused()).toBe(false);
    expect(p.next).toBe(13);
  });

  it('replicate: optimistic next and an inflight window', () => {
    const p = new Progress(1, 2, false);
    p.maybeUpdate(4);
    p.becomeReplicate();
    expect(p.next).toBe(5);
    p.sentEntries(6);
    p.sentEntries(8);
    expect(p.next).toBe(9);
    expect(p.isPaused()).toBe(true);
    p.maybeUpdate(6);
    p.inflights.freeLE(6);
    expect(p.isPaused()).toBe(false);
  });

  it.each([
    // state, match, next, rejected, hint -> changed, next
    { state: 'probe', match: 0, next: 10, rejected: 9, hint: 3, changed: true, want: 4 },
    { state: 'probe', match: 5, next: 10, rejected: 9, hint: 3, changed: true, want: 6 },
    { state: 'probe', match: 0, next: 10, rejected: 7, hint: 3, changed: false, want: 10 }, // stale
    { state: 'probe', match: 0, next: 10, rejected: 9, hint: 20, changed: true, want: 9 },
    { state: 'replicate', match: 5, next: 12, rejected: 8, hint: 2, changed: true, want: 6 },
    { state: 'replicate', match: 5, next: 12, rejected: 5, hint: 2, changed: false, want: 12 }, // stale
  ] as const)('maybeDecrTo $state m=$match n=$next rej=$rejected hint=$hint', (c) => {
    const p = new Progress(c.next, 8, false);
    p.match = c.match;
    if (c.state === 'replicate') {
      p.state = 'replicate';
    }
    p.next = c.next;
    expect(p.maybeDecrTo(c.rejected, c.hint)).toBe(c.changed);
    expect(p.next).toBe(c.want);
  });

  it('snapshot state pauses, then probes after the snapshot', () => {
    const p = new Progress(1, 8, false);
    p.becomeSnapshot({
      meta: { index: 50, term: 3, config: { voters: [], learners: [] } },
      data: new Uint8Array(),
    });
    expect(p.isPaused()).toBe(true);
    p.becomeProbe();
    expect(p.next).toBe(51);
  });
});
