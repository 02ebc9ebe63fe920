import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheWriter, readCacheFile, writeCacheFile } from './cache-file.js';

describe('cache file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-config-cache-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips the values and leaves no temp file behind', async () => {
    const path = join(dir, 'svc.json');
    const contents = {
      service: 'svc',
      revision: 12,
      values: [{ key: 'retries', text: '4', modRevision: 11 }],
    };
    await writeCacheFile(path, contents);
    expect(await readCacheFile(path, 'svc')).toEqual(contents);
    expect(readdirSync(dir)).toEqual(['svc.json']);
  });

  it('reads nothing when there is no file, and refuses another service’s cache or garbage', async () => {
    expect(await readCacheFile(join(dir, 'none.json'), 'svc')).toBeUndefined();
    const other = join(dir, 'other.json');
    await writeCacheFile(other, { service: 'other', revision: 1, values: [] });
    await expect(readCacheFile(other, 'svc')).rejects.toThrow(
      `config cache ${other} is not a cache of service "svc"`,
    );
    writeFileSync(join(dir, 'bad.json'), '{"service":');
    await expect(readCacheFile(join(dir, 'bad.json'), 'svc')).rejects.toThrow(SyntaxError);
  });

  it('writes the latest contents last when changes come faster than the disk', async () => {
    const path = join(dir, 'svc.json');
    const errors: unknown[] = [];
    const writer = new CacheWriter(path, (e) => errors.push(e));
    for (let revision = 1; revision <= 20; revision++) writer.write({ service: 'svc', revision, values: [] });
    await writer.flush();
    expect((await readCacheFile(path, 'svc'))?.revision).toBe(20);
    expect(errors).toEqual([]);
  });

  it('reports a failed write instead of throwing', async () => {
    const errors: unknown[] = [];
    const writer = new CacheWriter(join(dir, 'missing-dir', 'svc.json'), (e) => errors.push(e));
    writer.write({ service: 'svc', revision: 1, values: [] });
    await writer.flush();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/ENOENT/);
  });
});
