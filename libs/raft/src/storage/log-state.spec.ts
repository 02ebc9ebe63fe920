import { describe, expect, it } from 'vitest';
import type { LogRecord } from './log-records.js';
import { LogState } from './log-state.js';
import { makeEntries } from './storage-contract.js';

const entries = (from: number, n: number, term: number): LogRecord[] =>
  makeEntries(from, n, term).map((entry) => ({ type: 'entry', entry }));

function replay(records: LogRecord[]): { state: LogState; errors: string[] } {
  const state = new LogState();
  const errors = records.map((r) => state.apply(r)).filter((e): e is string => e !== undefined);
  return { state, errors };
}

describe('LogState replay', () => {
  it('starts after the begin record of the oldest surviving segment', () => {
    const { state, errors } = replay([
      { type: 'begin', index: 10 },
      ...entries(11, 2, 1),
      { type: 'compact', index: 10 },
    ]);
    expect(errors).toEqual([]);
    expect(state.offset).toBe(10);
    expect(state.entries).toEqual(makeEntries(11, 2, 1));
  });

  it('lets a conflicting append or a truncation replace entries held by deleted segments', () => {
    const a = replay([{ type: 'begin', index: 10 }, ...entries(6, 7, 2), { type: 'compact', index: 11 }]);
    expect(a.errors).toEqual([]);
    expect(a.state.entries).toEqual(makeEntries(12, 1, 2));
    const b = replay([
      { type: 'begin', index: 10 },
      { type: 'truncate', index: 7 },
      ...entries(7, 6, 3),
      { type: 'compact', index: 12 },
    ]);
    expect(b.errors).toEqual([]);
    expect(b.state.offset).toBe(12);
    expect(b.state.lastIndex()).toBe(12);
  });

  it('still refuses entries below a replayed compaction, and gaps', () => {
    expect(
      replay([
        { type: 'begin', index: 0 },
        ...entries(1, 5, 1),
        { type: 'compact', index: 3 },
        ...entries(2, 1, 2),
      ]).errors,
    ).toEqual(['entry 2 at or below the compaction point 3']);
    expect(replay([{ type: 'begin', index: 4 }, ...entries(7, 1, 1)]).errors).toEqual([
      'entry 7 leaves a gap after 4',
    ]);
  });

  it('checks that a segment begins where the log before it ended', () => {
    expect(
      replay([{ type: 'begin', index: 0 }, ...entries(1, 3, 1), { type: 'begin', index: 3 }]).errors,
    ).toEqual([]);
    expect(
      replay([{ type: 'begin', index: 0 }, ...entries(1, 3, 1), { type: 'begin', index: 5 }]).errors,
    ).toEqual(['segment begins after entry 5 but the log before it ends at 3']);
  });

  it('anchors old-format logs on their first entry, past a leading compaction marker', () => {
    const { state, errors } = replay([
      { type: 'compact', index: 5 },
      ...entries(20, 3, 1),
      { type: 'compact', index: 19 },
    ]);
    expect(errors).toEqual([]);
    expect(state.offset).toBe(19);
    expect(state.entries).toEqual(makeEntries(20, 3, 1));
  });
});
