import { stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../core/types.js';
import { makeEntries } from './storage-contract.js';
import { batchesOf, FileStorageKit, segmentsOf } from './test-support/file-storage-kit.js';

const SEGMENT = 2048;
const kit = new FileStorageKit({ segmentBytes: SEGMENT });
afterEach(() => kit.cleanup());

/** A log of `n` single-entry saves (each one batch) spread over several segments. */
async function writtenLog(n: number): Promise<string> {
  const dir = await kit.tempDir();
  const s = await kit.open(dir);
  for (const e of makeEntries(1, n, 1)) {
    await s.save({ snapshot: null, entries: [e], hardState: { term: 1, vote: 'a', commit: e.index - 1 } });
  }
  await s.setHardState({ term: 2, vote: null, commit: n });
  await kit.closeAll();
  return dir;
}

function snapshot(index: number, term: number): Snapshot {
  return { meta: { index, term, config: { voters: ['a'], learners: [] } }, data: new Uint8Array([index]) };
}

describe('FileStorage segments', () => {
  it('rolls to a new segment once a batch does not fit and reads across segments after a restart', async () => {
    const dir = await writtenLog(40);
    const files = await segmentsOf(dir);
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) expect((await stat(f)).size).toBe(SEGMENT);
    const s = await kit.open(dir);
    expect((await s.load()).entries).toEqual(makeEntries(1, 40, 1));
    expect(await s.hardState()).toEqual({ term: 2, vote: null, commit: 40 });
  });

  it('starts every segment with a begin record and the hard state, then continues the batch sequence', async () => {
    const dir = await writtenLog(12);
    let seq = 0;
    for (const f of await segmentsOf(dir)) {
      const batches = await batchesOf(f);
      expect(batches[0].records.map((r) => r.type)).toEqual(['begin', 'hardState']);
      for (const b of batches) expect(b.seq).toBe(++seq);
    }
  });

  it('a batch larger than a segment gets a segment of its own', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir, { segmentBytes: 64 });
    const big = { index: 1, term: 1, kind: 'normal' as const, data: new Uint8Array(5000).fill(7) };
    await s.append([big, ...makeEntries(2, 2, 1)]);
    await s.append(makeEntries(4, 1, 1));
    await kit.closeAll();
    const r = await kit.open(dir, { segmentBytes: 64 });
    expect(await r.entries(1, 5)).toEqual([big, ...makeEntries(2, 3, 1)]);
  });

  it('compaction deletes whole segments below the compaction point, never the active one', async () => {
    const dir = await writtenLog(40);
    const before = await segmentsOf(dir);
    const s = await kit.open(dir);
    await s.saveSnapshot(snapshot(30, 1));
    await s.compact(30);
    const after = await segmentsOf(dir);
    expect(after.length).toBeLessThan(before.length);
    expect(after[0]).not.toBe(before[0]);
    expect(after.at(-1)).toBe(before.at(-1));
    // The first remaining segment still holds entries above the compaction point.
    const kept = (await batchesOf(after[0])).flatMap((b) => b.records);
    expect(Math.max(...kept.map((r) => (r.type === 'entry' ? r.entry.index : 0)))).toBeGreaterThan(30);
    await kit.closeAll();
    const r = await kit.open(dir);
    expect(await r.firstIndex()).toBe(31);
    expect((await r.load()).entries).toEqual(makeEntries(31, 10, 1));
    expect(await r.hardState()).toEqual({ term: 2, vote: null, commit: 40 });
    // Compacting everything keeps only the active segment.
    await r.saveSnapshot(snapshot(40, 1));
    await r.compact(40);
    expect(await segmentsOf(dir)).toHaveLength(1);
    await kit.closeAll();
    const r2 = await kit.open(dir);
    expect(await r2.firstIndex()).toBe(41);
    expect(await r2.lastIndex()).toBe(40);
    expect(await r2.hardState()).toEqual({ term: 2, vote: null, commit: 40 });
  });

  it('replays from a surviving segment whose first batch rewrites entries the deleted ones held', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir, { segmentBytes: 1024 });
    await s.append(makeEntries(1, 10, 1)); // segment 1
    // Entries 6..10 were never committed: a new leader replaces them, in segment 2.
    await s.save({
      snapshot: null,
      entries: makeEntries(6, 7, 2),
      hardState: { term: 2, vote: 'b', commit: 0 },
    });
    await s.saveSnapshot(snapshot(11, 2));
    await s.compact(11); // deletes segment 1: every entry it held is <= 11
    expect(await segmentsOf(dir)).toHaveLength(2);
    await kit.closeAll();
    const r = await kit.open(dir, { segmentBytes: 1024 });
    expect(await r.firstIndex()).toBe(12);
    expect((await r.load()).entries).toEqual(makeEntries(12, 1, 2));
  });

  it('installSnapshot leaves a single fresh segment', async () => {
    const dir = await writtenLog(40);
    const s = await kit.open(dir);
    await s.installSnapshot(snapshot(100, 3));
    expect(await segmentsOf(dir)).toHaveLength(1);
    await s.append(makeEntries(101, 3, 3));
    await kit.closeAll();
    const r = await kit.open(dir);
    expect((await r.load()).entries).toEqual(makeEntries(101, 3, 3));
    expect(await r.hardState()).toEqual({ term: 2, vote: null, commit: 40 });
  });
});
