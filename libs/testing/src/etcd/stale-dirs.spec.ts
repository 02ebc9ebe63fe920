import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownedDirPrefix, removeStaleDataDirs } from './stale-dirs.js';

describe('removeStaleDataDirs', () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'stale-dirs-test-'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('removes data dirs whose owner process is gone and keeps live owners and other dirs', () => {
    // 2^22 + 1 is above Linux's pid_max ceiling, so no process has it.
    const dead = join(base, 'flotilla-etcd-4194305-abc123');
    const mine = join(base, `${ownedDirPrefix()}def456`);
    const other = join(base, 'something-else');
    for (const dir of [dead, mine, other]) mkdirSync(join(dir, 'm0'), { recursive: true });

    expect(removeStaleDataDirs(base)).toEqual(['flotilla-etcd-4194305-abc123']);
    expect([existsSync(dead), existsSync(mine), existsSync(other)]).toEqual([false, true, true]);
  });

  it('tolerates a missing base folder', () => {
    expect(removeStaleDataDirs(join(base, 'missing'))).toEqual([]);
  });
});
