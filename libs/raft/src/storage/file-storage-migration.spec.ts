import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeHardState } from './hard-state-file.js';
import { encodeLogRecord, type LogRecord } from './log-records.js';
import { encodeRecord } from './record-codec.js';
import { segmentName } from './segment-log.js';
import { isBatchedSegment } from './segment-scan.js';
import { writeSnapshot } from './snapshot-file.js';
import { makeEntries } from './storage-contract.js';
import { FileStorageKit, segmentsOf } from './test-support/file-storage-kit.js';

const kit = new FileStorageKit({ segmentBytes: 4096 });
afterEach(() => kit.cleanup());

/** A segment as the previous version wrote it: one framed record per log record, no header. */
function oldSegment(records: LogRecord[]): Buffer {
  return Buffer.concat(records.map((r) => encodeRecord(encodeLogRecord(r))));
}

const entries = (from: number, n: number, term: number): LogRecord[] =>
  makeEntries(from, n, term).map((entry) => ({ type: 'entry', entry }));

describe('FileStorage opens data dirs of the previous format', () => {
  it('reads old segments and the hard-state file, then keeps writing in the new format', async () => {
    const dir = await kit.tempDir();
    await writeFile(join(dir, segmentName(1)), oldSegment(entries(1, 5, 1)));
    await writeFile(
      join(dir, segmentName(2)),
      oldSegment([...entries(6, 3, 1), { type: 'truncate', index: 8 }, ...entries(8, 1, 2)]),
    );
    await writeHardState(dir, { term: 2, vote: 'b', commit: 6 }, { syncs: 0 });
    const expected = [...makeEntries(1, 7, 1), ...makeEntries(8, 1, 2)];

    const s = await kit.open(dir);
    expect((await s.load()).entries).toEqual(expected);
    expect(await s.hardState()).toEqual({ term: 2, vote: 'b', commit: 6 });
    // The hard state moved into a new segment's header; the old file is gone.
    expect(await readdir(dir)).not.toContain('hard-state');
    const files = await segmentsOf(dir);
    expect(files).toHaveLength(3);
    expect(isBatchedSegment(await readFile(files[2]))).toBe(true);
    await s.save({
      snapshot: null,
      entries: makeEntries(9, 2, 3),
      hardState: { term: 3, vote: null, commit: 8 },
    });
    await kit.closeAll();

    const r = await kit.open(dir);
    expect((await r.load()).entries).toEqual([...expected, ...makeEntries(9, 2, 3)]);
    expect(await r.hardState()).toEqual({ term: 3, vote: null, commit: 8 });
    // Compaction deletes the old segments like any other.
    await r.saveSnapshot({
      meta: { index: 9, term: 3, config: { voters: ['a'], learners: [] } },
      data: new Uint8Array(1),
    });
    await r.compact(9);
    expect(await segmentsOf(dir)).toHaveLength(1);
    await kit.closeAll();
    const r2 = await kit.open(dir);
    expect((await r2.load()).entries).toEqual(makeEntries(10, 1, 3));
    expect(await r2.hardState()).toEqual({ term: 3, vote: null, commit: 8 });
  });

  it('cuts a torn tail off an old last segment', async () => {
    const dir = await kit.tempDir();
    const whole = oldSegment(entries(1, 4, 1));
    await writeFile(join(dir, segmentName(1)), whole.subarray(0, whole.length - 3));
    const s = await kit.open(dir);
    expect(await s.lastIndex()).toBe(3);
    expect(await s.hardState()).toEqual({ term: 0, vote: null, commit: 0 });
    await s.append(makeEntries(4, 1, 2));
    await kit.closeAll();
    expect(await (await kit.open(dir)).term(4)).toBe(2);
  });

  it('replays an old segment that starts with a compaction marker (its entries follow further on)', async () => {
    const dir = await kit.tempDir();
    // Segment 1 (entries 1..19) was deleted by a later compaction; segment 2 started with the
    // marker of an earlier one, then the log went on at 20.
    await writeFile(
      join(dir, segmentName(2)),
      oldSegment([{ type: 'compact', index: 5 }, ...entries(20, 3, 1), { type: 'compact', index: 19 }]),
    );
    await writeSnapshot(
      dir,
      { meta: { index: 19, term: 1, config: { voters: ['a'], learners: [] } }, data: new Uint8Array(0) },
      { syncs: 0 },
    );
    const s = await kit.open(dir);
    expect(await s.firstIndex()).toBe(20);
    expect((await s.load()).entries).toEqual(makeEntries(20, 3, 1));
  });
});
