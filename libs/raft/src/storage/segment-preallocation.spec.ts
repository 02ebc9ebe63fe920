import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeEntries } from './storage-contract.js';
import { bigEntries, FileStorageKit, segmentsOf } from './test-support/file-storage-kit.js';

const SEGMENT = 128 * 1024;
const kit = new FileStorageKit({ segmentBytes: SEGMENT });
afterEach(() => kit.cleanup());

async function preparedFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.seg.tmp')).map((f) => join(dir, f));
}

describe('segment preallocation', () => {
  it('creates segment files at full size with real zeros, and saves do not change their size', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir);
    const [file] = await segmentsOf(dir);
    const created = await stat(file);
    expect(created.size).toBe(SEGMENT);
    // Written, not sparse: every block is allocated.
    expect(created.blocks * 512).toBeGreaterThanOrEqual(SEGMENT);
    for (let i = 0; i < 4; i++)
      await s.save({ snapshot: null, entries: bigEntries(1 + 64 * i), hardState: null });
    expect(await segmentsOf(dir)).toEqual([file]);
    expect((await stat(file)).size).toBe(SEGMENT);
  });

  it('prepares the next segment in the background and rolls into that very file', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir);
    await s.settled();
    const [prepared] = await preparedFiles(dir);
    expect((await stat(prepared)).size).toBe(SEGMENT);
    const { ino } = await stat(prepared);
    for (let i = 0; i < 8; i++)
      await s.save({ snapshot: null, entries: bigEntries(1 + 64 * i), hardState: null });
    const files = await segmentsOf(dir);
    expect(files).toHaveLength(2);
    expect((await stat(files[1])).ino).toBe(ino);
    await s.settled();
    expect(await preparedFiles(dir)).toHaveLength(1);
    await kit.closeAll();
    // close() deletes the unused prepared file.
    expect(await preparedFiles(dir)).toEqual([]);
  });

  it('finds the end of the data inside the zero-filled rest and continues there', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir);
    await s.save({
      snapshot: null,
      entries: makeEntries(1, 3, 1),
      hardState: { term: 1, vote: 'a', commit: 0 },
    });
    await kit.closeAll();
    const r = await kit.open(dir);
    expect(await r.lastIndex()).toBe(3);
    await r.save({
      snapshot: null,
      entries: makeEntries(4, 3, 2),
      hardState: { term: 2, vote: null, commit: 3 },
    });
    await kit.closeAll();
    const r2 = await kit.open(dir);
    expect((await r2.load()).entries).toEqual([...makeEntries(1, 3, 1), ...makeEntries(4, 3, 2)]);
    expect(await r2.hardState()).toEqual({ term: 2, vote: null, commit: 3 });
    expect(await segmentsOf(dir)).toHaveLength(1);
  });
});
