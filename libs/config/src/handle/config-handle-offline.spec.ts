import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoSchema } from '../test-support/demo-schema.js';
import { writeCacheFile } from './cache-file.js';
import { defineConfig } from './config-handle.js';
import type { ConfigInvalid } from './config-state.js';

describe('an offline config handle (no store)', () => {
  let dir: string;
  const lines: string[] = [];
  const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(`WARN ${m}`) };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-config-offline-'));
    lines.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the defaults without endpoints, and is not stale', async () => {
    const handle = defineConfig('svc', demoSchema, { endpoints: [], offline: true, logger });
    await handle.start();
    expect(handle.source).toBe('defaults');
    expect(handle.isStale()).toBe(false);
    expect(handle.get('retries')).toBe(3);
    expect(lines).toEqual(['config svc: offline (no store); serving the defaults']);
    await handle.close();
  });

  it('serves the cache file, keeping out a cached value that no longer fits the schema', async () => {
    const cacheFile = join(dir, 'svc.json');
    await writeCacheFile(cacheFile, {
      service: 'svc',
      revision: 9,
      values: [
        { key: 'greeting', text: '"Hi"', modRevision: 8 },
        { key: 'retries', text: '50', modRevision: 9 },
      ],
    });
    const handle = defineConfig('svc', demoSchema, { endpoints: [], offline: true, cacheFile, logger });
    const invalid: ConfigInvalid[] = [];
    handle.on('invalid', (i) => invalid.push(i));
    await handle.start();
    expect(handle.source).toBe('cache');
    expect(handle.snapshot()).toMatchObject({ greeting: 'Hi', retries: 3 });
    expect(invalid).toMatchObject([
      { service: 'svc', key: 'retries', rule: 'maximum: must be <= 10', revision: 9 },
    ]);
    expect(lines.at(-1)).toBe(`config svc: offline (no store); serving the cache ${cacheFile} (revision 9)`);
    await handle.close();
  });

  it('needs endpoints unless offline', () => {
    expect(() => defineConfig('svc', demoSchema, { endpoints: [] })).toThrow(/must list at least one URL/);
  });
});
