import { describe, expect, it } from 'vitest';
import { AutoCompactor, parseRetention } from './auto-compactor.js';

function compactor(policy: ConstructorParameters<typeof AutoCompactor>[0]['policy']) {
  const state = { now: 0, revision: 1, compacted: 0 };
  const c = new AutoCompactor({
    policy,
    now: () => state.now,
    revision: () => state.revision,
    compactRevision: () => state.compacted,
    compact: async (r) => (state.compacted = r),
  });
  return { c, state };
}

describe('auto compaction (etcd modes)', () => {
  it('revision mode keeps the last N revisions', () => {
    const { c, state } = compactor({ mode: 'revision', retainRevisions: 100 });
    state.revision = 50;
    expect(c.target()).toBeNull();
    state.revision = 1000;
    expect(c.target()).toBe(900);
    state.compacted = 900;
    expect(c.target()).toBeNull();
  });

  it('periodic mode compacts to the revision seen one retention ago', () => {
    const { c, state } = compactor({ mode: 'periodic', retentionMs: 10_000 });
    state.now = 0;
    state.revision = 10;
    expect(c.target()).toBeNull();
    for (let t = 1000; t <= 9000; t += 1000) {
      state.now = t;
      state.revision = 10 + t / 100;
      expect(c.target()).toBeNull();
    }
    state.now = 10_000;
    state.revision = 200;
    expect(c.target()).toBe(10); // the revision at t=0
    state.compacted = 10;
    state.now = 11_000;
    state.revision = 210;
    expect(c.target()).toBe(20); // the revision at t=1000
  });

  it.each([
    ['periodic', '1', 3_600_000],
    ['periodic', '0.5', 1_800_000],
    ['periodic', '1h30m', 5_400_000],
    ['periodic', '90s', 90_000],
  ] as const)('parses %s retention %s', (mode, value, ms) => {
    expect(parseRetention(mode, value)).toEqual({ mode, retentionMs: ms });
  });

  it('parses revision counts and rejects nonsense with a message', () => {
    expect(parseRetention('revision', '1000')).toEqual({ mode: 'revision', retainRevisions: 1000 });
    expect(parseRetention('periodic', '0')).toBeNull();
    expect(() => parseRetention('periodic', 'soon')).toThrow(/not a duration/);
    expect(() => parseRetention('revision', '1h')).toThrow(/not a revision count/);
  });
});
