import { describe, expect, it } from 'vitest';
import {
  jointCommitted,
  jointHasQuorum,
  jointVoteResult,
  majorityCommitted,
  majorityVoteResult,
} from './quorum.js';

const matchOf = (m: Record<string, number>) => (id: string) => m[id] ?? 0;

describe('majorityCommitted', () => {
  it.each<{ voters: string[]; match: Record<string, number>; want: number }>([
    { voters: ['a'], match: { a: 5 }, want: 5 },
    { voters: ['a', 'b'], match: { a: 5, b: 3 }, want: 3 },
    { voters: ['a', 'b', 'c'], match: { a: 5, b: 3, c: 1 }, want: 3 },
    { voters: ['a', 'b', 'c'], match: { a: 5, b: 5, c: 1 }, want: 5 },
    { voters: ['a', 'b', 'c', 'd'], match: { a: 9, b: 7, c: 4, d: 1 }, want: 4 },
    { voters: ['a', 'b', 'c', 'd', 'e'], match: { a: 9, b: 7, c: 4, d: 1 }, want: 4 },
    { voters: ['a', 'b', 'c', 'd', 'e'], match: {}, want: 0 },
  ])('$voters with $match -> $want', ({ voters, match, want }) => {
    expect(majorityCommitted(voters, matchOf(match))).toBe(want);
  });

  it('an empty config does not constrain', () => {
    expect(majorityCommitted([], () => 0)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('majorityVoteResult', () => {
  const v = (e: Record<string, boolean>) => new Map(Object.entries(e));
  it.each([
    { voters: ['a'], votes: {}, want: 'pending' },
    { voters: ['a'], votes: { a: true }, want: 'won' },
    { voters: ['a'], votes: { a: false }, want: 'lost' },
    { voters: ['a', 'b', 'c'], votes: { a: true }, want: 'pending' },
    { voters: ['a', 'b', 'c'], votes: { a: true, b: true }, want: 'won' },
    { voters: ['a', 'b', 'c'], votes: { a: true, b: false }, want: 'pending' },
    { voters: ['a', 'b', 'c'], votes: { a: false, b: false }, want: 'lost' },
    { voters: ['a', 'b', 'c', 'd'], votes: { a: true, b: true }, want: 'pending' },
    { voters: ['a', 'b', 'c', 'd'], votes: { a: true, b: true, c: false, d: false }, want: 'lost' },
    { voters: ['a', 'b'], votes: { a: true, x: true }, want: 'pending' },
  ] as { voters: string[]; votes: Record<string, boolean>; want: string }[])(
    '$voters with $votes -> $want',
    ({ voters, votes, want }) => {
      expect(majorityVoteResult(voters, v(votes))).toBe(want);
    },
  );
});

describe('joint quorum', () => {
  const cfg = { incoming: ['a', 'b', 'c'], outgoing: ['c', 'd', 'e'] };
  it('commits the minimum of both majorities', () => {
    expect(jointCommitted(cfg, matchOf({ a: 9, b: 8, c: 2, d: 5, e: 1 }))).toBe(2);
    expect(jointCommitted(cfg, matchOf({ a: 9, b: 8, c: 7, d: 7, e: 1 }))).toBe(7);
    expect(jointCommitted({ incoming: ['a'], outgoing: [] }, matchOf({ a: 3 }))).toBe(3);
  });

  it('needs both halves to win a vote', () => {
    const votes = (e: Record<string, boolean>) => new Map(Object.entries(e));
    expect(jointVoteResult(cfg, votes({ a: true, b: true }))).toBe('pending');
    expect(jointVoteResult(cfg, votes({ a: true, b: true, d: true, e: true }))).toBe('won');
    expect(jointVoteResult(cfg, votes({ a: true, b: true, d: false, e: false }))).toBe('lost');
    expect(jointHasQuorum(cfg, (id) => id !== 'c' && id !== 'd')).toBe(false);
    expect(jointHasQuorum(cfg, (id) => id !== 'a' && id !== 'e')).toBe(true);
  });
});
