import { cp, mkdtemp, readFile, readdir, rm, stat, truncate, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { CorruptLogError } from './corrupt-log-error.js';
import { FileStorage } from './file-storage.js';
import { decodeLogRecord } from './log-records.js';
import { scanRecords, RECORD_HEADER_BYTES } from './record-codec.js';
import { writeSnapshot } from './snapshot-file.js';
import { makeEntries } from './storage-contract.js';

const dirs: string[] = [];
const opened: FileStorage[] = [];

afterEach(async () => {
  for (const s of opened.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'raft-fs-'));
  dirs.push(dir);
  return dir;
}

async function openAt(dir: string, segmentBytes = 256): Promise<FileStorage> {
  const s = await FileStorage.open(dir, { segmentBytes });
  opened.push(s);
  return s;
}

async function closeAll(): Promise<void> {
  for (const s of opened.splice(0)) await s.close();
}

/** A log of `n` single-entry records spread over several segments; returns its directory. */
async function writtenLog(n: number, segmentBytes = 256): Promise<string> {
  const dir = await tempDir();
  const s = await openAt(dir, segmentBytes);
  for (const e of makeEntries(1, n, 1)) await s.append([e]);
  await s.setHardState({ term: 1, vote: 'a', commit: n });
  await closeAll();
  return dir;
}

async function segments(dir: string): Promise<string[]> {
  return (await readdir(dir))
    .filter((f) => f.endsWith('.seg'))
    .sort()
    .map((f) => join(dir, f));
}

/** Record extents of a segment file with the entry index each one writes. */
async function recordsOf(path: string): Promise<{ offset: number; end: number; index: number }[]> {
  const { records } = scanRecords(await readFile(path), path, false);
  return records.map((r) => {
    const rec = decodeLogRecord(r.payload);
    if (typeof rec === 'string' || rec.type !== 'entry') throw new Error(`unexpected record in ${path}`);
    return {
      offset: r.offset,
      end: r.offset + RECORD_HEADER_BYTES + r.payload.length,
      index: rec.entry.index,
    };
  });
}

describe('FileStorage segments', () => {
  it('rolls to a new segment at the size threshold and reads across segments after a restart', async () => {
    const dir = await writtenLog(40, 200);
    const files = await segments(dir);
    expect(files.length).toBeGreaterThan(3);
    for (const f of files.slice(0, -1)) expect((await stat(f)).size).toBeLessThanOrEqual(200);
    const s = await openAt(dir, 200);
    expect((await s.load()).entries).toEqual(makeEntries(1, 40, 1));
    expect(await s.hardState()).toEqual({ term: 1, vote: 'a', commit: 40 });
  });

  it('a record larger than a segment gets a segment of its own', async () => {
    const dir = await tempDir();
    const s = await openAt(dir, 64);
    const big = { index: 1, term: 1, kind: 'normal' as const, data: new Uint8Array(1000).fill(7) };
    await s.append([big, ...makeEntries(2, 2, 1)]);
    await closeAll();
    const r = await openAt(dir, 64);
    expect(await r.entries(1, 4)).toEqual([big, ...makeEntries(2, 2, 1)]);
  });

  it('compaction deletes whole segments below the compaction point, never the active one', async () => {
    const dir = await writtenLog(40, 200);
    const before = await segments(dir);
    const s = await openAt(dir, 200);
    await s.saveSnapshot({
      meta: { index: 30, term: 1, config: { voters: ['a'], learners: [] } },
      data: new Uint8Array([1]),
    });
    await s.compact(30);
    const after = await segments(dir);
    expect(after.length).toBeLessThan(before.length);
    expect(after[0]).not.toBe(before[0]);
    expect(after.at(-1)).toBe(before.at(-1));
    // The first remaining segment still holds entries above the compaction point.
    const firstKept = await recordsOf(after[0]);
    expect(firstKept.at(-1)!.index).toBeGreaterThan(30);
    await closeAll();
    const r = await openAt(dir, 200);
    expect(await r.firstIndex()).toBe(31);
    expect((await r.load()).entries).toEqual(makeEntries(31, 10, 1));
    // Compacting everything keeps only the active segment.
    await r.saveSnapshot({
      meta: { index: 40, term: 1, config: { voters: ['a'], learners: [] } },
      data: new Uint8Array([2]),
    });
    await r.compact(40);
    expect(await segments(dir)).toHaveLength(1);
    await closeAll();
    const r2 = await openAt(dir, 200);
    expect(await r2.firstIndex()).toBe(41);
    expect(await r2.lastIndex()).toBe(40);
  });

  it('installSnapshot leaves a single fresh segment', async () => {
    const dir = await writtenLog(40, 200);
    const s = await openAt(dir, 200);
    await s.installSnapshot({
      meta: { index: 100, term: 3, config: { voters: ['a'], learners: [] } },
      data: new Uint8Array([9]),
    });
    expect(await segments(dir)).toHaveLength(1);
    await s.append(makeEntries(101, 3, 3));
    await closeAll();
    const r = await openAt(dir, 200);
    expect((await r.load()).entries).toEqual(makeEntries(101, 3, 3));
  });
});

describe('FileStorage recovery', () => {
  it('recovers to the last whole record when the last segment is cut at any offset', async () => {
    const base = await writtenLog(30, 300);
    const files = await segments(base);
    const lastFile = files.at(-1)!;
    const lastRecords = await recordsOf(lastFile);
    const beforeLast = lastRecords[0].index - 1;
    const size = (await stat(lastFile)).size;
    const rng = createRng(20240611);
    const cuts = new Set<number>([0, 1, RECORD_HEADER_BYTES - 1, RECORD_HEADER_BYTES, size - 1]);
    for (const r of lastRecords) cuts.add(r.end);
    while (cuts.size < 60) cuts.add(rng.int(size));
    for (const cut of cuts) {
      const dir = await tempDir();
      await cp(base, dir, { recursive: true });
      const victim = join(dir, lastFile.slice(base.length + 1));
      await truncate(victim, cut);
      const whole = lastRecords.filter((r) => r.end <= cut);
      const expectedLast = whole.length > 0 ? whole.at(-1)!.index : beforeLast;
      const s = await openAt(dir, 300);
      expect(await s.lastIndex(), `cut at ${cut}`).toBe(expectedLast);
      expect((await s.load()).entries).toEqual(makeEntries(1, expectedLast, 1));
      // The torn bytes are gone from disk, and the log continues cleanly after them.
      expect((await stat(victim)).size).toBe(whole.length > 0 ? whole.at(-1)!.end : 0);
      await s.append(makeEntries(expectedLast + 1, 2, 2));
      await closeAll();
      const again = await openAt(dir, 300);
      expect(await again.lastIndex()).toBe(expectedLast + 2);
      expect(await again.term(expectedLast + 2)).toBe(2);
      await closeAll();
    }
  });

  it('treats a zero-filled tail as torn', async () => {
    const dir = await writtenLog(10, 4096);
    await appendFile((await segments(dir)).at(-1)!, new Uint8Array(5000));
    const s = await openAt(dir, 4096);
    expect(await s.lastIndex()).toBe(10);
  });

  it('drops a last record whose CRC fails at the very end of the last segment', async () => {
    const dir = await writtenLog(10, 4096);
    const file = (await segments(dir)).at(-1)!;
    const buf = await readFile(file);
    buf[buf.length - 1] ^= 0xff;
    await writeFile(file, buf);
    const s = await openAt(dir, 4096);
    expect(await s.lastIndex()).toBe(9);
  });

  it('reports a flipped byte in any record but the tail, naming the file and the offset', async () => {
    const base = await writtenLog(30, 300);
    const files = await segments(base);
    const rng = createRng(7);
    let checked = 0;
    for (const [i, file] of files.entries()) {
      const records = await recordsOf(file);
      // In the last segment the final record is the tail (a CRC failure there counts as torn).
      const candidates = i === files.length - 1 ? records.slice(0, -1) : records;
      for (const rec of candidates) {
        const dir = await tempDir();
        await cp(base, dir, { recursive: true });
        const victim = join(dir, file.slice(base.length + 1));
        const buf = await readFile(victim);
        const at = rec.offset + rng.int(rec.end - rec.offset);
        buf[at] ^= 1 << rng.int(8);
        await writeFile(victim, buf);
        const err = await FileStorage.open(dir).then(
          async (s) => {
            await s.close();
            return null;
          },
          (e: unknown) => e,
        );
        expect(err, `flip at ${victim}:${at}`).toBeInstanceOf(CorruptLogError);
        expect(String(err)).toMatch(
          new RegExp(`^CorruptLogError: raft log corrupt: ${escape(victim)} at offset ${rec.offset}: `),
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(25);
  });

  it('reports a missing segment in the middle of the sequence', async () => {
    const dir = await writtenLog(30, 300);
    const files = await segments(dir);
    expect(files.length).toBeGreaterThan(2);
    await rm(files[1]);
    await expect(FileStorage.open(dir)).rejects.toThrow(/raft log corrupt: .* segment .* is missing/);
  });

  it('ignores and deletes torn temp files of snapshot and hard state', async () => {
    const dir = await tempDir();
    const s = await openAt(dir);
    await s.append(makeEntries(1, 3, 1));
    await s.saveSnapshot({
      meta: { index: 2, term: 1, config: { voters: ['a'], learners: [] } },
      data: new Uint8Array([1, 2]),
    });
    await s.setHardState({ term: 1, vote: 'a', commit: 3 });
    await closeAll();
    await writeFile(join(dir, 'snapshot.tmp'), new Uint8Array([0, 0, 0, 9, 1, 2]));
    await writeFile(join(dir, 'hard-state.tmp'), 'garbage');
    const r = await openAt(dir);
    expect((await r.loadSnapshot())?.data).toEqual(new Uint8Array([1, 2]));
    expect(await r.hardState()).toEqual({ term: 1, vote: 'a', commit: 3 });
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reports a damaged snapshot file', async () => {
    const dir = await tempDir();
    const s = await openAt(dir);
    await s.append(makeEntries(1, 3, 1));
    await s.saveSnapshot({
      meta: { index: 2, term: 1, config: { voters: ['a'], learners: [] } },
      data: new Uint8Array(100),
    });
    await closeAll();
    const path = join(dir, 'snapshot');
    const buf = await readFile(path);
    buf[buf.length - 5] ^= 0x10;
    await writeFile(path, buf);
    await expect(FileStorage.open(dir)).rejects.toThrow(
      `raft snapshot corrupt: ${path} at offset 0: CRC mismatch`,
    );
  });

  it('discards a log that predates the snapshot (crash inside installSnapshot)', async () => {
    const dir = await writtenLog(10, 4096);
    // The snapshot was renamed into place, the log reset did not happen.
    await writeSnapshot(dir, {
      meta: { index: 50, term: 5, config: { voters: ['a'], learners: [] } },
      data: new Uint8Array([5]),
    });
    const s = await openAt(dir);
    expect(await s.firstIndex()).toBe(51);
    expect(await s.lastIndex()).toBe(50);
    await s.append(makeEntries(51, 1, 5));
    await closeAll();
    const r = await openAt(dir);
    expect((await r.load()).entries).toEqual(makeEntries(51, 1, 5));
  });

  it('keeps a log that contains the snapshot point', async () => {
    const dir = await writtenLog(10, 4096);
    await writeSnapshot(dir, {
      meta: { index: 6, term: 1, config: { voters: ['a'], learners: [] } },
      data: new Uint8Array([5]),
    });
    const s = await openAt(dir);
    expect(await s.firstIndex()).toBe(1);
    expect(await s.lastIndex()).toBe(10);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
