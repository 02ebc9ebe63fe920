import assert from 'node:assert/strict';
import { EMPTY_HARD_STATE, type Entry, type EntryKind, type Snapshot } from '../core/types.js';
import type { Storage } from '../interfaces/storage.js';

/** How the contract gets storages: fresh ones, and the same one after a restart. */
export interface StorageHarness {
  create(): Promise<Storage>;
  /** The storage as a restarted server would see it (may return the same instance). */
  reopen(storage: Storage): Promise<Storage>;
}

export interface ContractCase {
  readonly name: string;
  run(h: StorageHarness): Promise<void>;
}

/** `n` entries from `from` at `term`; data encodes index and term so mix-ups show. */
export function makeEntries(from: number, n: number, term: number, kind: EntryKind = 'normal'): Entry[] {
  return Array.from({ length: n }, (_, i) => ({
    index: from + i,
    term,
    kind,
    data: new TextEncoder().encode(`e${from + i}t${term}`),
  }));
}

function snapshot(index: number, term: number, data = 'state'): Snapshot {
  return {
    meta: { index, term, config: { voters: ['a', 'b', 'c'], learners: ['d'] } },
    data: new TextEncoder().encode(data),
  };
}

async function all(s: Storage): Promise<Entry[]> {
  return s.entries(await s.firstIndex(), (await s.lastIndex()) + 1);
}

/**
 * The behaviour every Storage must show, written against the interface only. Plain
 * `node:assert`, so any test runner can drive it: `for (const c of STORAGE_CONTRACT) it(c.name, ...)`.
 */
export const STORAGE_CONTRACT: readonly ContractCase[] = [
  {
    name: 'a fresh storage is empty',
    async run(h) {
      const s = await h.create();
      assert.deepEqual(await s.load(), { hardState: EMPTY_HARD_STATE, snapshot: null, entries: [] });
      assert.equal(await s.firstIndex(), 1);
      assert.equal(await s.lastIndex(), 0);
      assert.equal(await s.term(0), 0);
      assert.equal(await s.term(1), undefined);
      assert.equal(await s.loadSnapshot(), null);
    },
  },
  {
    name: 'appended entries are readable and survive a restart',
    async run(h) {
      const s = await h.create();
      const es = [
        ...makeEntries(1, 3, 1, 'config'),
        ...makeEntries(4, 2, 2, 'noop'),
        ...makeEntries(6, 5, 2),
      ];
      await s.append(es.slice(0, 4));
      await s.append(es.slice(4));
      assert.deepEqual(await s.entries(2, 5), es.slice(1, 4));
      assert.equal(await s.term(5), 2);
      const r = await h.reopen(s);
      assert.equal(await r.lastIndex(), 10);
      assert.deepEqual((await r.load()).entries, es);
      assert.deepEqual(await r.entries(1, 11), es);
      assert.equal(await r.term(3), 1);
      assert.equal(await r.term(11), undefined);
    },
  },
  {
    name: 'entry data round-trips byte for byte, including empty data',
    async run(h) {
      const s = await h.create();
      const bytes = new Uint8Array(256).map((_, i) => i);
      await s.append([
        { index: 1, term: 1, kind: 'normal', data: new Uint8Array(0) },
        { index: 2, term: 3, kind: 'normal', data: bytes },
      ]);
      const r = await h.reopen(s);
      const [a, b] = await r.entries(1, 3);
      assert.equal(a.data.length, 0);
      assert.deepEqual([...b.data], [...bytes]);
      assert.equal(b.term, 3);
    },
  },
  {
    name: 'a conflicting append replaces the stored suffix',
    async run(h) {
      const s = await h.create();
      await s.append(makeEntries(1, 5, 1));
      await s.append(makeEntries(3, 2, 2));
      const expected = [...makeEntries(1, 2, 1), ...makeEntries(3, 2, 2)];
      assert.deepEqual(await all(s), expected);
      const r = await h.reopen(s);
      assert.deepEqual(await all(r), expected);
      await r.append(makeEntries(5, 1, 2));
      assert.deepEqual(await all(await h.reopen(r)), [...expected, ...makeEntries(5, 1, 2)]);
    },
  },
  {
    name: 'truncateSuffix discards entries from the given index',
    async run(h) {
      const s = await h.create();
      await s.append(makeEntries(1, 6, 1));
      await s.truncateSuffix(4);
      await s.truncateSuffix(10); // beyond the end: nothing to do
      assert.equal(await s.lastIndex(), 3);
      const r = await h.reopen(s);
      assert.deepEqual(await all(r), makeEntries(1, 3, 1));
      await r.append(makeEntries(4, 2, 3));
      assert.deepEqual(await all(await h.reopen(r)), [...makeEntries(1, 3, 1), ...makeEntries(4, 2, 3)]);
    },
  },
  {
    name: 'appends that would leave a gap are refused',
    async run(h) {
      const s = await h.create();
      await s.append(makeEntries(1, 2, 1));
      await assert.rejects(s.append(makeEntries(4, 1, 1)));
      assert.equal(await s.lastIndex(), 2);
    },
  },
  {
    name: 'hard state survives a restart',
    async run(h) {
      const s = await h.create();
      await s.append(makeEntries(1, 7, 3));
      await s.setHardState({ term: 3, vote: 'b', commit: 0 });
      await s.setHardState({ term: 4, vote: null, commit: 7 });
      const r = await h.reopen(s);
      assert.deepEqual(await r.hardState(), { term: 4, vote: null, commit: 7 });
      assert.deepEqual((await r.load()).hardState, { term: 4, vote: null, commit: 7 });
    },
  },
  {
    name: 'save persists entries and hard state together',
    async run(h) {
      const s = await h.create();
      await s.save({
        snapshot: null,
        entries: makeEntries(1, 3, 2),
        hardState: { term: 2, vote: 'b', commit: 0 },
      });
      await s.save({ snapshot: null, entries: makeEntries(4, 2, 2), hardState: null });
      await s.save({ snapshot: null, entries: [], hardState: { term: 3, vote: null, commit: 0 } });
      assert.deepEqual(await all(s), makeEntries(1, 5, 2));
      assert.deepEqual(await s.hardState(), { term: 3, vote: null, commit: 0 });
      const r = await h.reopen(s);
      assert.deepEqual(await r.load(), {
        hardState: { term: 3, vote: null, commit: 0 },
        snapshot: null,
        entries: makeEntries(1, 5, 2),
      });
    },
  },
  {
    name: 'save replaces a conflicting suffix and refuses gaps',
    async run(h) {
      const s = await h.create();
      await s.save({
        snapshot: null,
        entries: makeEntries(1, 5, 1),
        hardState: { term: 1, vote: 'a', commit: 0 },
      });
      await s.save({
        snapshot: null,
        entries: makeEntries(3, 1, 2),
        hardState: { term: 2, vote: 'c', commit: 2 },
      });
      await assert.rejects(s.save({ snapshot: null, entries: makeEntries(9, 1, 2), hardState: null }));
      const expected = [...makeEntries(1, 2, 1), ...makeEntries(3, 1, 2)];
      assert.deepEqual(await all(s), expected);
      const r = await h.reopen(s);
      assert.deepEqual(await all(r), expected);
      assert.deepEqual(await r.hardState(), { term: 2, vote: 'c', commit: 2 });
    },
  },
  {
    name: 'save with a snapshot replaces the log, then appends the entries',
    async run(h) {
      const s = await h.create();
      await s.append(makeEntries(1, 5, 1));
      await s.save({
        snapshot: snapshot(20, 4),
        entries: makeEntries(21, 2, 4),
        hardState: { term: 4, vote: 'a', commit: 20 },
      });
      const check = async (x: Storage): Promise<void> => {
        assert.equal(await x.firstIndex(), 21);
        assert.equal(await x.lastIndex(), 22);
        assert.equal(await x.term(20), 4);
        assert.deepEqual(await all(x), makeEntries(21, 2, 4));
        assert.deepEqual(await x.loadSnapshot(), snapshot(20, 4));
        assert.deepEqual(await x.hardState(), { term: 4, vote: 'a', commit: 20 });
      };
      await check(s);
      const r = await h.reopen(s);
      await check(r);
      await r.save({ snapshot: null, entries: makeEntries(23, 1, 4), hardState: null });
      assert.deepEqual(await all(await h.reopen(r)), makeEntries(21, 3, 4));
    },
  },
  {
    name: 'a commit-only save is visible at once and may be lost across a restart, never beyond the log',
    async run(h) {
      const s = await h.create();
      await s.save({
        snapshot: null,
        entries: makeEntries(1, 4, 1),
        hardState: { term: 1, vote: 'a', commit: 0 },
      });
      await s.save({ snapshot: null, entries: [], hardState: { term: 1, vote: 'a', commit: 3 } });
      assert.deepEqual(await s.hardState(), { term: 1, vote: 'a', commit: 3 });
      assert.deepEqual((await s.load()).hardState, { term: 1, vote: 'a', commit: 3 });
      const r = await h.reopen(s);
      const { term, vote, commit } = await r.hardState();
      assert.deepEqual({ term, vote }, { term: 1, vote: 'a' });
      assert.ok([0, 3].includes(commit), `commit ${commit} after a restart`);
      // A later write carries the latest commit along.
      await r.save({
        snapshot: null,
        entries: makeEntries(5, 1, 1),
        hardState: { term: 1, vote: 'a', commit: 4 },
      });
      assert.equal((await (await h.reopen(r)).hardState()).commit, 4);
    },
  },
  {
    name: 'an empty save changes nothing; stats, where offered, count saves',
    async run(h) {
      const s = await h.create();
      await s.save({
        snapshot: null,
        entries: makeEntries(1, 2, 1),
        hardState: { term: 1, vote: null, commit: 0 },
      });
      const before = s.stats?.();
      await s.save({ snapshot: null, entries: [], hardState: null });
      assert.deepEqual(await all(s), makeEntries(1, 2, 1));
      assert.deepEqual(await s.hardState(), { term: 1, vote: null, commit: 0 });
      const after = s.stats?.();
      if (before && after) assert.equal(after.saves, before.saves + 1);
    },
  },
  {
    name: 'compaction behind a saved snapshot drops the prefix, also across a restart',
    async run(h) {
      const s = await h.create();
      await s.append([...makeEntries(1, 5, 1), ...makeEntries(6, 5, 2)]);
      await s.saveSnapshot(snapshot(7, 2));
      await s.compact(5);
      assert.equal(await s.firstIndex(), 6);
      assert.equal(await s.term(5), undefined);
      assert.equal(await s.term(7), 2);
      await assert.rejects(s.entries(5, 7));
      const r = await h.reopen(s);
      assert.equal(await r.firstIndex(), 6);
      assert.equal(await r.lastIndex(), 10);
      assert.deepEqual(await all(r), makeEntries(6, 5, 2));
      assert.deepEqual(await r.loadSnapshot(), snapshot(7, 2));
      const loaded = await r.load();
      assert.deepEqual(loaded.snapshot, snapshot(7, 2));
      assert.deepEqual(loaded.entries, makeEntries(6, 5, 2));
      await r.compact(7);
      await r.append(makeEntries(11, 1, 3));
      const r2 = await h.reopen(r);
      assert.equal(await r2.firstIndex(), 8);
      assert.deepEqual(await all(r2), [...makeEntries(8, 3, 2), ...makeEntries(11, 1, 3)]);
    },
  },
  {
    name: 'compaction must be covered by the snapshot; compacting again lower is a no-op',
    async run(h) {
      const s = await h.create();
      await s.append(makeEntries(1, 5, 1));
      await assert.rejects(s.compact(2));
      await s.saveSnapshot(snapshot(4, 1));
      await assert.rejects(s.compact(5));
      await s.compact(4);
      await s.compact(2);
      assert.equal(await s.firstIndex(), 5);
      assert.deepEqual(await all(await h.reopen(s)), makeEntries(5, 1, 1));
    },
  },
  {
    name: 'an older snapshot does not replace a newer one',
    async run(h) {
      const s = await h.create();
      await s.append(makeEntries(1, 5, 1));
      await s.saveSnapshot(snapshot(4, 1, 'new'));
      await s.saveSnapshot(snapshot(2, 1, 'old'));
      assert.deepEqual(await (await h.reopen(s)).loadSnapshot(), snapshot(4, 1, 'new'));
    },
  },
  {
    name: 'an installed snapshot replaces the whole log',
    async run(h) {
      const s = await h.create();
      await s.append(makeEntries(1, 5, 1));
      await s.installSnapshot(snapshot(20, 4));
      assert.equal(await s.firstIndex(), 21);
      assert.equal(await s.lastIndex(), 20);
      assert.equal(await s.term(20), 4);
      const r = await h.reopen(s);
      assert.equal(await r.firstIndex(), 21);
      assert.equal(await r.lastIndex(), 20);
      assert.deepEqual((await r.load()).entries, []);
      await r.append(makeEntries(21, 2, 4));
      const r2 = await h.reopen(r);
      assert.deepEqual(await all(r2), makeEntries(21, 2, 4));
      assert.deepEqual(await r2.loadSnapshot(), snapshot(20, 4));
    },
  },
  {
    name: 'an installed snapshot behind the log still replaces it',
    async run(h) {
      const s = await h.create();
      await s.append(makeEntries(1, 10, 1));
      await s.installSnapshot(snapshot(4, 2));
      const r = await h.reopen(s);
      assert.equal(await r.lastIndex(), 4);
      assert.equal(await r.term(4), 2);
      assert.equal(await r.term(5), undefined);
    },
  },
];
