import { describe, expect, it } from 'vitest';
import { RaftLog } from './log.js';
import type { Entry } from './types.js';

/** Builds a log from a list of terms for indexes 1..n (after an optional snapshot). */
function logOf(terms: number[], snapshot?: { index: number; term: number }): RaftLog {
  const first = (snapshot?.index ?? 0) + 1;
  const entries: Entry[] = terms.map((term, k) => ({
    index: first + k,
    term,
    kind: 'normal',
    data: new Uint8Array(),
  }));
  const meta = snapshot ? { ...snapshot, config: { voters: [], learners: [] } } : null;
  return RaftLog.restore(meta, entries, 0);
}

const ent = (index: number, term: number): Entry => ({ index, term, kind: 'normal', data: new Uint8Array() });

describe('RaftLog.findConflictByTerm', () => {
  // log: index 1..10 with terms 1 1 1 4 4 5 5 6 6 6
  const terms = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  it.each([
    { index: 10, term: 6, want: { index: 10, term: 6 } },
    { index: 10, term: 5, want: { index: 7, term: 5 } },
    { index: 10, term: 4, want: { index: 5, term: 4 } },
    { index: 10, term: 3, want: { index: 3, term: 1 } },
    { index: 6, term: 2, want: { index: 3, term: 1 } },
    { index: 12, term: 5, want: { index: 7, term: 5 } }, // beyond the end: clamp
    { index: 10, term: 0, want: { index: 0, term: 0 } },
  ])('($index, $term)', ({ index, term, want }) => {
    expect(logOf(terms).findConflictByTerm(index, term)).toEqual(want);
  });

  it('stops at the snapshot and reports unknown terms below it', () => {
    const log = logOf([4, 5, 5], { index: 5, term: 3 });
    expect(log.findConflictByTerm(8, 2)).toEqual({ index: 5, term: 3 });
    expect(log.findConflictByTerm(3, 2)).toEqual({ index: 3, term: 0 });
  });
});

describe('RaftLog.findConflict', () => {
  const log = logOf([1, 2, 3]);
  it.each([
    { entries: [], want: 0 },
    { entries: [ent(1, 1), ent(2, 2), ent(3, 3)], want: 0 },
    { entries: [ent(2, 2), ent(3, 3), ent(4, 4)], want: 4 },
    { entries: [ent(2, 2), ent(3, 4)], want: 3 },
    { entries: [ent(1, 4), ent(2, 4)], want: 1 },
  ])('$entries.length entries -> $want', ({ entries, want }) => {
    expect(log.findConflict(entries)).toBe(want);
  });
});

describe('RaftLog append and commit', () => {
  it('maybeAppend rejects a mismatching prev and truncates conflicts', () => {
    const log = logOf([1, 1, 2]);
    expect(log.maybeAppend(3, 1, 0, [ent(4, 3)])).toBeUndefined();
    expect(log.maybeAppend(2, 1, 3, [ent(3, 3), ent(4, 3)])).toBe(4);
    expect(log.term(3)).toBe(3);
    expect(log.committed).toBe(3);
    expect(log.unstableEntries().map((e) => e.index)).toEqual([3, 4]);
  });

  it('never overwrites committed entries', () => {
    const log = logOf([1, 1, 2]);
    log.commitTo(3);
    expect(() => log.maybeAppend(2, 1, 3, [ent(3, 5)])).toThrow(/conflict/);
  });

  it('only counts replicas for current-term entries', () => {
    const log = logOf([1, 2]);
    expect(log.maybeCommit(2, 3)).toBe(false);
    expect(log.maybeCommit(2, 2)).toBe(true);
  });

  it('election restriction compares last term, then length', () => {
    const log = logOf([1, 2, 2]);
    expect(log.isUpToDate(3, 2)).toBe(true);
    expect(log.isUpToDate(2, 2)).toBe(false);
    expect(log.isUpToDate(1, 3)).toBe(true);
    expect(log.isUpToDate(9, 1)).toBe(false);
  });

  it('slice honours count and byte limits but returns at least one entry', () => {
    const big = (i: number): Entry => ({ index: i, term: 1, kind: 'normal', data: new Uint8Array(100) });
    const log = RaftLog.restore(null, [big(1), big(2), big(3), big(4)], 0);
    expect(log.slice(1, 5, 2).length).toBe(2);
    expect(log.slice(1, 5, 10, 250).length).toBe(2);
    expect(log.slice(1, 5, 10, 10).length).toBe(1);
  });

  it('compacts only applied, stable entries', () => {
    const log = logOf([1, 1, 2, 2]);
    expect(() => log.compact(2)).toThrow();
    log.commitTo(3);
    log.applied = 3;
    log.compact(2);
    expect(log.firstIndex()).toBe(3);
    expect(log.term(2)).toBe(1);
    expect(log.term(1)).toBeUndefined();
  });
});
