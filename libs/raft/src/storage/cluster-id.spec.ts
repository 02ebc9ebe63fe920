import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterIdMismatchError } from './cluster-id-file.js';
import { FileStorage } from './file-storage.js';
import { makeEntries } from './storage-contract.js';
import { escapeRegExp, FileStorageKit } from './test-support/file-storage-kit.js';

const kit = new FileStorageKit();
afterEach(() => kit.cleanup());

describe('cluster id', () => {
  it('is recorded when the dir is new, and a dir of another cluster does not open', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir, { clusterId: 'alpha' });
    expect(s.clusterId).toBe('alpha');
    await s.append(makeEntries(1, 2, 1));
    await kit.closeAll();
    expect(await readdir(dir)).toContain('cluster-id');

    const err = await FileStorage.open(dir, { clusterId: 'beta' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClusterIdMismatchError);
    expect(String(err)).toMatch(
      new RegExp(
        `^ClusterIdMismatchError: raft data dir ${escapeRegExp(dir)} belongs to cluster alpha, not beta$`,
      ),
    );

    const same = await kit.open(dir, { clusterId: 'alpha' });
    expect(await same.lastIndex()).toBe(2);
    await kit.closeAll();
    // Without an id, any dir opens and tells which cluster it belongs to.
    expect((await kit.open(dir)).clusterId).toBe('alpha');
  });

  it('a dir opened without an id has none until one is given', async () => {
    const dir = await kit.tempDir();
    expect((await kit.open(dir)).clusterId).toBeNull();
    await kit.closeAll();
    expect((await kit.open(dir, { clusterId: 'gamma' })).clusterId).toBe('gamma');
    await kit.closeAll();
    await expect(FileStorage.open(dir, { clusterId: 'delta' })).rejects.toThrow(ClusterIdMismatchError);
  });
});
