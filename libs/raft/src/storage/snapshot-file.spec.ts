import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../core/types.js';
import { encodeRecord, MAX_RECORD_BYTES } from './record-codec.js';
import { readSnapshot, SNAPSHOT_FILE, writeSnapshot } from './snapshot-file.js';
import { FileStorageKit } from './test-support/file-storage-kit.js';

const kit = new FileStorageKit();
afterEach(() => kit.cleanup());

const meta: Snapshot['meta'] = { index: 7, term: 2, config: { voters: ['a', 'b'], learners: ['c'] } };

describe('snapshot file', () => {
  it('keeps a snapshot larger than one log record (a long store history)', async () => {
    const dir = await kit.tempDir();
    const data = new Uint8Array(MAX_RECORD_BYTES + 4096);
    data[0] = 1;
    data[data.length - 1] = 2;
    await writeSnapshot(dir, { meta, data }, { syncs: 0 });
    const back = await readSnapshot(dir);
    expect(back?.meta).toEqual(meta);
    expect(back?.data.length).toBe(data.length);
    expect([back?.data[0], back?.data[data.length - 1]]).toEqual([1, 2]);
  });

  it('reads a snapshot written in the earlier one-record format', async () => {
    const dir = await kit.tempDir();
    const json = Buffer.from(JSON.stringify({ index: 7, term: 2, voters: ['a', 'b'], learners: ['c'] }));
    const payload = Buffer.concat([Buffer.alloc(4), json, Buffer.from([9, 8, 7])]);
    payload.writeUInt32BE(json.length, 0);
    await writeFile(join(dir, SNAPSHOT_FILE), encodeRecord(payload));
    const back = await readSnapshot(dir);
    expect(back?.meta).toEqual(meta);
    expect([...(back?.data ?? [])]).toEqual([9, 8, 7]);
  });

  it('names the file and the damage when the snapshot is cut short', async () => {
    const dir = await kit.tempDir();
    await writeSnapshot(dir, { meta, data: new Uint8Array(100).fill(3) }, { syncs: 0 });
    const path = join(dir, SNAPSHOT_FILE);
    const buf = await readFile(path);
    await writeFile(path, buf.subarray(0, buf.length - 10));
    await expect(readSnapshot(dir)).rejects.toThrow(
      `raft snapshot corrupt: ${path} at offset 0: length mismatch: header says ${buf.length} bytes, file has ${buf.length - 10}`,
    );
  });
});
