import { cp, readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import type { HardState } from '../core/types.js';
import { SECTOR_BYTES } from './batch-codec.js';
import { CorruptLogError } from './corrupt-log-error.js';
import { FileStorage } from './file-storage.js';
import { writeSnapshot } from './snapshot-file.js';
import { makeEntries } from './storage-contract.js';
import {
  batchesOf,
  bigEntries,
  escapeRegExp,
  FileStorageKit,
  segmentsOf,
  type BatchExtent,
} from './test-support/file-storage-kit.js';

const SEGMENT = 256 * 1024;
const kit = new FileStorageKit({ segmentBytes: SEGMENT });
afterEach(() => kit.cleanup());

const hsOf = (i: number): HardState => ({ term: i, vote: 'a', commit: 0 });

/** Six saves of 64 × 256-byte entries (each batch spans ~33 sectors), each with a new term. */
async function sixSaves(): Promise<string> {
  const dir = await kit.tempDir();
  const s = await kit.open(dir);
  for (let i = 0; i < 6; i++) {
    await s.save({ snapshot: null, entries: bigEntries(1 + 64 * i, 64, i + 1), hardState: hsOf(i + 1) });
  }
  await kit.closeAll();
  return dir;
}

async function zeroSector(path: string, at: number): Promise<void> {
  expect(at % SECTOR_BYTES).toBe(0);
  const buf = await readFile(path);
  buf.fill(0, at, at + SECTOR_BYTES);
  await writeFile(path, buf);
}

/** The batches of the last segment that carry entries (the first one is the segment header). */
async function dataBatches(path: string): Promise<BatchExtent[]> {
  return (await batchesOf(path)).filter((b) => b.records.some((r) => r.type === 'entry'));
}

async function openError(dir: string): Promise<unknown> {
  return FileStorage.open(dir, { segmentBytes: SEGMENT }).then(
    async (s) => {
      await s.close();
      return null;
    },
    (e: unknown) => e,
  );
}

function expectCorrupt(err: unknown, file: string, offset: number): void {
  expect(err).toBeInstanceOf(CorruptLogError);
  expect(String(err)).toMatch(
    new RegExp(`^CorruptLogError: raft log corrupt: ${escapeRegExp(file)} at offset ${offset}: `),
  );
}

/** Reopening keeps the first `saves` saves: entries, hard state, and the log goes on after them. */
async function expectFirstSaves(dir: string, saves: number): Promise<void> {
  const s = await kit.open(dir);
  expect(await s.lastIndex()).toBe(64 * saves);
  expect((await s.load()).entries).toEqual(
    Array.from({ length: saves }, (_, i) => bigEntries(1 + 64 * i, 64, i + 1)).flat(),
  );
  expect(await s.hardState()).toEqual(hsOf(saves));
  await s.save({ snapshot: null, entries: makeEntries(64 * saves + 1, 2, 9), hardState: hsOf(9) });
  await kit.closeAll();
  const r = await kit.open(dir);
  expect(await r.lastIndex()).toBe(64 * saves + 2);
  expect(await r.term(64 * saves + 2)).toBe(9);
  expect(await r.hardState()).toEqual(hsOf(9));
  await kit.closeAll();
}

describe('FileStorage torn writes', () => {
  it('drops a last batch with a zeroed sector in its middle and valid bytes after it', async () => {
    const dir = await sixSaves();
    const file = (await segmentsOf(dir)).at(-1)!;
    const last = (await dataBatches(file)).at(-1)!;
    const sector = last.offset + 10 * SECTOR_BYTES;
    expect(sector + SECTOR_BYTES).toBeLessThan(last.end);
    await zeroSector(file, sector);
    await expectFirstSaves(dir, 5);
  });

  it('drops a last batch whose header sector was zeroed', async () => {
    const dir = await sixSaves();
    const file = (await segmentsOf(dir)).at(-1)!;
    await zeroSector(file, (await dataBatches(file)).at(-1)!.offset);
    await expectFirstSaves(dir, 5);
  });

  it('drops a last batch with any sector zeroed, or cut short anywhere', async () => {
    const dir = await sixSaves();
    const file = (await segmentsOf(dir)).at(-1)!;
    const last = (await dataBatches(file)).at(-1)!;
    const size = (await stat(file)).size;
    for (let at = last.offset; at < last.end; at += 7 * SECTOR_BYTES) {
      const copy = await kit.tempDir();
      await cp(dir, copy, { recursive: true });
      await zeroSector(join(copy, file.slice(dir.length + 1)), at);
      const s = await kit.open(copy);
      expect(await s.lastIndex(), `sector at ${at}`).toBe(320);
      await kit.closeAll();
    }
    const rng = createRng(20240611);
    for (let n = 0; n < 8; n++) {
      const cut = last.offset + rng.int(last.end - last.offset);
      const copy = await kit.tempDir();
      await cp(dir, copy, { recursive: true });
      const victim = join(copy, file.slice(dir.length + 1));
      // Either the tail never reached the disk (zeros) or the file itself was cut short.
      if (n % 2 === 0) {
        const buf = await readFile(victim);
        buf.fill(0, cut);
        await writeFile(victim, buf);
      } else {
        await truncate(victim, cut);
      }
      const s = await kit.open(copy);
      expect(await s.lastIndex(), `cut at ${cut} of ${size}`).toBe(320);
      await kit.closeAll();
    }
  });

  it('clears the torn batch, so a shorter batch written over it is not mistaken for damage later', async () => {
    const dir = await sixSaves();
    const file = (await segmentsOf(dir)).at(-1)!;
    const last = (await dataBatches(file)).at(-1)!;
    await zeroSector(file, last.offset + 4 * SECTOR_BYTES);
    await expectFirstSaves(dir, 5); // writes a small batch where the torn one started, and reopens
    const buf = await readFile(file);
    const batches = await batchesOf(file);
    expect(buf.subarray(batches.at(-1)!.end, last.end).every((b) => b === 0)).toBe(true);
  });

  it('reports a zeroed sector in an earlier batch as corruption, naming the file and the offset', async () => {
    const dir = await sixSaves();
    const file = (await segmentsOf(dir)).at(-1)!;
    const batches = await dataBatches(file);
    for (const victim of [batches[1], batches[4]]) {
      for (const at of [victim.offset, victim.offset + 5 * SECTOR_BYTES]) {
        const copy = await kit.tempDir();
        await cp(dir, copy, { recursive: true });
        const path = join(copy, file.slice(dir.length + 1));
        await zeroSector(path, at);
        expectCorrupt(await openError(copy), path, victim.offset);
      }
    }
  });

  it('reports damage at the end of a segment that is not the last one', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir, { segmentBytes: 64 * 1024 });
    for (let i = 0; i < 8; i++)
      await s.save({ snapshot: null, entries: bigEntries(1 + 64 * i), hardState: null });
    await kit.closeAll();
    const files = await segmentsOf(dir);
    expect(files.length).toBeGreaterThan(1);
    const last = (await dataBatches(files[0])).at(-1)!;
    await zeroSector(files[0], last.offset + SECTOR_BYTES);
    expectCorrupt(await openError(dir), files[0], last.offset);
  });

  it('reports a flipped bit in any batch but the last one, naming the file and the offset', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir, { segmentBytes: 4096 });
    for (const e of makeEntries(1, 20, 1))
      await s.save({ snapshot: null, entries: [e], hardState: hsOf(e.index) });
    await kit.closeAll();
    const files = await segmentsOf(dir);
    const rng = createRng(7);
    let checked = 0;
    for (const [i, file] of files.entries()) {
      const batches = await batchesOf(file);
      for (const batch of i === files.length - 1 ? batches.slice(0, -1) : batches) {
        const copy = await kit.tempDir();
        await cp(dir, copy, { recursive: true });
        const path = join(copy, file.slice(dir.length + 1));
        const buf = await readFile(path);
        buf[batch.offset + rng.int(batch.end - batch.offset)] ^= 1 << rng.int(8);
        await writeFile(path, buf);
        expectCorrupt(await openError(copy), path, batch.offset);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('treats a flipped bit in the last batch as a torn write', async () => {
    const dir = await sixSaves();
    const file = (await segmentsOf(dir)).at(-1)!;
    const last = (await dataBatches(file)).at(-1)!;
    const buf = await readFile(file);
    buf[last.end - 1] ^= 0x10;
    await writeFile(file, buf);
    await expectFirstSaves(dir, 5);
  });
});

describe('FileStorage recovery', () => {
  it('reports a missing segment in the middle of the sequence', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir, { segmentBytes: 1024 });
    for (const e of makeEntries(1, 6, 1)) await s.append([e]);
    await kit.closeAll();
    const files = await segmentsOf(dir);
    await rm(files[2]);
    await expect(FileStorage.open(dir)).rejects.toThrow(/raft log corrupt: .* segment .* is missing/);
  });

  it('reports segments out of order', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir, { segmentBytes: 1024 });
    for (const e of makeEntries(1, 6, 1)) await s.append([e]);
    await kit.closeAll();
    const [, b, c] = await segmentsOf(dir);
    await rename(b, `${b}.x`);
    await rename(c, b);
    await rename(`${b}.x`, c);
    expectCorrupt(await openError(dir), b, 512);
  });

  it('deletes leftover temp files: torn snapshot replaces and prepared segments', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir);
    await s.append(makeEntries(1, 3, 1));
    await s.saveSnapshot({
      meta: { index: 2, term: 1, config: { voters: ['a'], learners: [] } },
      data: new Uint8Array([1, 2]),
    });
    await s.setHardState({ term: 1, vote: 'a', commit: 3 });
    await kit.closeAll();
    await writeFile(join(dir, 'snapshot.tmp'), new Uint8Array([0, 0, 0, 9, 1, 2]));
    await writeFile(join(dir, 'prepared-7.seg.tmp'), new Uint8Array(100));
    const r = await kit.open(dir);
    expect((await r.loadSnapshot())?.data).toEqual(new Uint8Array([1, 2]));
    expect(await r.hardState()).toEqual({ term: 1, vote: 'a', commit: 3 });
    await kit.closeAll();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reports a damaged snapshot file', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir);
    await s.append(makeEntries(1, 3, 1));
    await s.saveSnapshot({
      meta: { index: 2, term: 1, config: { voters: ['a'], learners: [] } },
      data: new Uint8Array(100),
    });
    await kit.closeAll();
    const path = join(dir, 'snapshot');
    const buf = await readFile(path);
    buf[buf.length - 5] ^= 0x10;
    await writeFile(path, buf);
    await expect(FileStorage.open(dir)).rejects.toThrow(
      `raft snapshot corrupt: ${path} at offset 0: CRC mismatch`,
    );
  });

  it('discards a log that predates the snapshot (crash inside installSnapshot)', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir);
    await s.save({
      snapshot: null,
      entries: makeEntries(1, 10, 1),
      hardState: { term: 1, vote: 'a', commit: 8 },
    });
    await kit.closeAll();
    // The snapshot was renamed into place, the log reset did not happen.
    await writeSnapshot(
      dir,
      { meta: { index: 50, term: 5, config: { voters: ['a'], learners: [] } }, data: new Uint8Array([5]) },
      { syncs: 0 },
    );
    const r = await kit.open(dir);
    expect(await r.firstIndex()).toBe(51);
    expect(await r.lastIndex()).toBe(50);
    expect(await r.hardState()).toEqual({ term: 1, vote: 'a', commit: 8 });
    await r.append(makeEntries(51, 1, 5));
    await kit.closeAll();
    const r2 = await kit.open(dir);
    expect((await r2.load()).entries).toEqual(makeEntries(51, 1, 5));
  });

  it('keeps a log that contains the snapshot point', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir);
    await s.append(makeEntries(1, 10, 1));
    await kit.closeAll();
    await writeSnapshot(
      dir,
      { meta: { index: 6, term: 1, config: { voters: ['a'], learners: [] } }, data: new Uint8Array([5]) },
      { syncs: 0 },
    );
    const r = await kit.open(dir);
    expect(await r.firstIndex()).toBe(1);
    expect(await r.lastIndex()).toBe(10);
  });
});
