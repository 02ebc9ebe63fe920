import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'vitest';
import type { Storage } from '../interfaces/storage.js';
import { FileStorage } from './file-storage.js';
import { STORAGE_CONTRACT } from './storage-contract.js';

describe('FileStorage obeys the storage contract', () => {
  const dirs: string[] = [];
  const open: FileStorage[] = [];

  afterEach(async () => {
    for (const s of open.splice(0)) await s.close().catch(() => undefined);
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  const track = (s: FileStorage): FileStorage => {
    open.push(s);
    return s;
  };

  for (const c of STORAGE_CONTRACT) {
    // Tiny segments, so the contract also exercises rolling and segment deletion.
    it(c.name, () =>
      c.run({
        async create(): Promise<Storage> {
          const dir = await mkdtemp(join(tmpdir(), 'raft-fs-contract-'));
          dirs.push(dir);
          return track(await FileStorage.open(dir, { segmentBytes: 64 }));
        },
        async reopen(s: Storage): Promise<Storage> {
          if (!(s instanceof FileStorage)) throw new Error('not a FileStorage');
          await s.close();
          return track(await FileStorage.open(s.dir, { segmentBytes: 64 }));
        },
      }),
    );
  }
});
