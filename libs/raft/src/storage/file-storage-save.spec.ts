import { readdir, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { HardState } from '../core/types.js';
import type { FileStorage } from './file-storage.js';
import { makeEntries } from './storage-contract.js';
import { bigEntries, FileStorageKit, segmentsOf } from './test-support/file-storage-kit.js';

const kit = new FileStorageKit({ segmentBytes: 1024 * 1024 });
afterEach(() => kit.cleanup());

/** Syncs made by `op`, with no background segment preparation in between. */
async function syncsOf(s: FileStorage, op: () => Promise<void>): Promise<number> {
  await s.settled();
  const before = s.stats().syncs;
  await op();
  return s.stats().syncs - before;
}

async function logBytes(dir: string): Promise<Buffer> {
  return Buffer.concat(await Promise.all((await segmentsOf(dir)).map((f) => readFile(f))));
}

const hs = (term: number, vote: string | null, commit: number): HardState => ({ term, vote, commit });

describe('FileStorage.save', () => {
  it('makes entries and a hard-state change durable with one fdatasync', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir);
    for (let i = 0; i < 5; i++) {
      const entries = bigEntries(1 + 64 * i, 64, i + 1);
      const synced = await syncsOf(s, () =>
        s.save({ snapshot: null, entries, hardState: hs(i + 1, 'a', 64 * i) }),
      );
      expect(synced, `save ${i}`).toBe(1);
    }
    expect(s.stats().saves).toBe(5);
    // A vote alone is one sync as well.
    expect(await syncsOf(s, () => s.save({ snapshot: null, entries: [], hardState: hs(9, 'b', 0) }))).toBe(1);
    await kit.closeAll();
    const r = await kit.open(dir);
    expect(await r.lastIndex()).toBe(320);
    expect(await r.hardState()).toEqual(hs(9, 'b', 0));
  });

  it('a save that only moves commit touches no disk', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir);
    await s.save({ snapshot: null, entries: makeEntries(1, 5, 1), hardState: hs(1, 'a', 0) });
    await s.settled();
    const bytes = await logBytes(dir);
    const synced = await syncsOf(s, async () => {
      for (let c = 1; c <= 5; c++) await s.save({ snapshot: null, entries: [], hardState: hs(1, 'a', c) });
    });
    expect(synced).toBe(0);
    expect((await logBytes(dir)).equals(bytes)).toBe(true); // (toEqual on megabytes is slow)
    expect(await s.hardState()).toEqual(hs(1, 'a', 5));
    expect(s.stats().saves).toBe(6);
  });

  it('keeps the hard state in the log, not in a file of its own, also once old segments are deleted', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir, { segmentBytes: 4096 });
    for (let i = 1; i <= 30; i++) {
      await s.save({ snapshot: null, entries: makeEntries(i, 1, i), hardState: hs(i, `n${i}`, i - 1) });
    }
    expect((await segmentsOf(dir)).length).toBeGreaterThan(4);
    await s.saveSnapshot({
      meta: { index: 29, term: 29, config: { voters: ['a'], learners: [] } },
      data: new Uint8Array(1),
    });
    await s.compact(29);
    // The only segments left were started long after the last hard-state change was written.
    expect((await segmentsOf(dir)).length).toBeLessThanOrEqual(2);
    expect(await readdir(dir)).not.toContain('hard-state');
    await kit.closeAll();
    const r = await kit.open(dir, { segmentBytes: 4096 });
    expect(await r.hardState()).toEqual(hs(30, 'n30', 29));
  });

  it('clamps a recovered commit to the entries the log holds', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir);
    await s.append(makeEntries(1, 3, 1));
    await s.setHardState(hs(1, 'a', 10));
    await kit.closeAll();
    const r = await kit.open(dir);
    expect(await r.hardState()).toEqual(hs(1, 'a', 3));
  });

  it('counts every sync, directories included', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir, { segmentBytes: 4096 });
    await s.save({ snapshot: null, entries: makeEntries(1, 3, 1), hardState: hs(1, 'a', 0) });
    const snap = {
      meta: { index: 2, term: 1, config: { voters: ['a'], learners: [] } },
      data: new Uint8Array(1),
    };
    // Atomic replace: the temp file, then the directory.
    expect(await syncsOf(s, () => s.saveSnapshot(snap))).toBe(2);
    // Rolling to a prepared segment: the new file, then the directory that now lists it.
    const big = bigEntries(4, 20, 1);
    const before = s.stats().syncs;
    expect(await syncsOf(s, () => s.save({ snapshot: null, entries: big, hardState: null }))).toBe(2);
    // Then the file for the next roll is prepared, and synced, in the background.
    await s.settled();
    expect(s.stats().syncs - before).toBe(3);
  });
});
