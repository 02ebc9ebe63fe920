import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type EtcdCluster, etcdPut, REGISTRY_BINARIES, startEtcdCluster } from '@flotilla/testing';
import { ExitCode } from './exit-codes.js';
import { type CliWatch, flotilla, flotillaJson, startWatch } from './test-support/run-cli.js';
import type { ConfigChange } from './commands/config/config-watch.js';
import type { ConfigEntry } from './commands/config/config-entry.js';
import type { ConfigHistory } from './commands/config/config-history.js';

const run = promisify(execFile);

const SCHEMA = {
  type: 'object',
  properties: {
    greeting: { type: 'string' },
    retries: { type: 'integer', minimum: 0, maximum: 10 },
    limits: { type: 'object', properties: { rps: { type: 'number', maximum: 100 } } },
  },
  additionalProperties: false,
};

describe.each(REGISTRY_BINARIES)('flotilla config against %s', (binary) => {
  let cluster: EtcdCluster;
  let at: string[];
  const watches: CliWatch[] = [];

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary, size: 1 });
    at = ['--endpoints', cluster.endpoints.join(',')];
  });
  afterEach(async () => {
    for (const w of watches.splice(0)) await w.stop();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('sets, gets (a key and the whole service), deletes and reports unknown keys and services', async () => {
    const set = await flotillaJson<{ service: string; key: string; value: unknown; revision: number }>([
      ...at,
      'config',
      'set',
      'crud',
      'greeting',
      '"Hello, {name}"',
    ]);
    expect(set).toEqual({
      service: 'crud',
      key: 'greeting',
      value: 'Hello, {name}',
      revision: expect.any(Number),
    });
    const second = await flotilla([...at, 'config', 'set', 'crud', 'limits', '{"rps":5}']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^crud\/limits = \{"rps":5\} \(revision \d+\)\n$/);

    const one = await flotillaJson<ConfigEntry & { service: string }>([
      ...at,
      'config',
      'get',
      'crud',
      'greeting',
    ]);
    expect(one).toEqual({
      service: 'crud',
      key: 'greeting',
      value: 'Hello, {name}',
      raw: '"Hello, {name}"',
      modRevision: set.revision,
      createRevision: set.revision,
      version: 1,
    });
    const all = await flotillaJson<{ service: string; revision: number; entries: ConfigEntry[] }>([
      ...at,
      'config',
      'get',
      'crud',
    ]);
    expect(all.service).toBe('crud');
    expect(all.revision).toBeGreaterThan(set.revision);
    expect(all.entries.map((e) => [e.key, e.value])).toEqual([
      ['greeting', 'Hello, {name}'],
      ['limits', { rps: 5 }],
    ]);
    const table = await flotilla([...at, 'config', 'get', 'crud']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/KEY.*VALUE.*REVISION/);
    expect(table.stdout).toMatch(new RegExp(`greeting.*"Hello, \\{name\\}".*${set.revision}`));

    const del = await flotillaJson<{ deleted: boolean; revision: number }>([
      ...at,
      'config',
      'del',
      'crud',
      'greeting',
    ]);
    expect(del).toEqual({ service: 'crud', key: 'greeting', deleted: true, revision: expect.any(Number) });

    const gone = await flotilla([...at, 'config', 'get', 'crud', 'greeting']);
    expect(gone.code).toBe(ExitCode.failed);
    expect(gone.stderr).toBe(
      'error: unknown key "greeting" of service "crud": nothing at flotilla/config/crud/greeting; list the service\'s keys with `flotilla config get crud`\n',
    );
    const delAgain = await flotilla([...at, 'config', 'del', 'crud', 'greeting']);
    expect(delAgain.code).toBe(ExitCode.failed);
    expect(delAgain.stderr).toContain('unknown key "greeting" of service "crud"');
    const unknown = await flotilla([...at, 'config', 'get', 'no-such-service']);
    expect(unknown.code).toBe(ExitCode.failed);
    expect(unknown.stderr).toContain(
      'error: unknown service "no-such-service": no keys under flotilla/config/no-such-service/',
    );
  });

  it('rejects a value that breaks the stored schema, naming path and rule, and leaves the value alone', async () => {
    expect((await flotilla([...at, 'config', 'set', 'guarded', 'retries', '4'])).code).toBe(0);
    // The schema goes in as a service publishes it (the CLI only reads schemas).
    await etcdPut(cluster.endpoints[0]!, 'flotilla/schemas/guarded', JSON.stringify(SCHEMA));

    const tooMany = await flotilla([...at, 'config', 'set', 'guarded', 'retries', '11']);
    expect(tooMany.code).toBe(ExitCode.invalid);
    expect(tooMany.stderr).toBe(
      'error: schema violation for guarded/retries: path (the whole value), rule "maximum: must be <= 10" (schema at flotilla/schemas/guarded); nothing was written, fix the value\n',
    );
    const nested = await flotilla([...at, 'config', 'set', 'guarded', 'limits', '{"rps":500}']);
    expect(nested.code).toBe(ExitCode.invalid);
    expect(nested.stderr).toContain('path /rps, rule "maximum: must be <= 100"');
    const unknownKey = await flotilla([...at, 'config', 'set', 'guarded', 'colour', '"red"']);
    expect(unknownKey.code).toBe(ExitCode.invalid);
    expect(unknownKey.stderr).toContain('"colour" is not a key of this service\'s schema');

    const kept = await flotillaJson<ConfigEntry>([...at, 'config', 'get', 'guarded', 'retries']);
    expect(kept.value).toBe(4);
    expect((await flotilla([...at, 'config', 'get', 'guarded', 'colour'])).code).toBe(ExitCode.failed);
    const ok = await flotillaJson<{ value: unknown }>([...at, 'config', 'set', 'guarded', 'retries', '10']);
    expect(ok.value).toBe(10);
  });

  it('rejects malformed JSON and a missing argument without writing', async () => {
    const malformed = await flotilla([...at, 'config', 'set', 'bad-input', 'greeting', 'Hello']);
    expect(malformed.code).toBe(ExitCode.invalid);
    expect(malformed.stderr).toMatch(
      /^error: malformed JSON value for bad-input\/greeting: .+; give JSON, e.g. 42, true, '"text"' or '\{"a":1\}'\n$/,
    );
    const missing = await flotilla([...at, 'config', 'set', 'bad-input', 'greeting']);
    expect(missing.code).toBe(ExitCode.usage);
    expect(missing.stderr).toBe(
      "error: missing required argument 'value' (usage: flotilla config set [options] <service> <key> <value>; see `flotilla config set --help`)\n",
    );
    expect((await flotilla([...at, 'config', 'get', 'bad-input'])).code).toBe(ExitCode.failed);
  });

  it('lists the history of a key newest first, back to its creation', async () => {
    const revisions: number[] = [];
    for (const v of ['1', '2', '"three"', '{"n":4}']) {
      revisions.push(
        (await flotillaJson<{ revision: number }>([...at, 'config', 'set', 'hist', 'k', v])).revision,
      );
      // Another key in between: history must follow this key's own revisions, not the store's.
      await flotilla([...at, 'config', 'set', 'hist', 'other', v]);
    }
    const history = await flotillaJson<ConfigHistory>([...at, 'config', 'history', 'hist', 'k']);
    expect(history.service).toBe('hist');
    expect(history.key).toBe('k');
    expect(history.end).toBe('created');
    expect(history.entries.map((e) => [e.modRevision, e.version, e.value])).toEqual([
      [revisions[3], 4, { n: 4 }],
      [revisions[2], 3, 'three'],
      [revisions[1], 2, 2],
      [revisions[0], 1, 1],
    ]);
    const limited = await flotillaJson<ConfigHistory>([
      ...at,
      'config',
      'history',
      'hist',
      'k',
      '--limit',
      '2',
    ]);
    expect(limited.end).toBe('limit');
    expect(limited.entries).toHaveLength(2);
    const table = await flotilla([...at, 'config', 'history', 'hist', 'k']);
    expect(table.stdout).toMatch(/REVISION.*VERSION.*VALUE/);
    expect(table.stderr).toBe(
      `history complete: the key was created at revision ${revisions[0]} (values from before an earlier delete are not listed)\n`,
    );
  });

  it("stops the history at the store's compaction, with a note", async () => {
    const revisions: number[] = [];
    for (const v of ['1', '2', '3']) {
      revisions.push(
        (await flotillaJson<{ revision: number }>([...at, 'config', 'set', 'compacted', 'k', v])).revision,
      );
    }
    // Keep history from the second write on: the first is gone.
    await run('etcdctl', [`--endpoints=${cluster.endpoints.join(',')}`, 'compact', String(revisions[1])], {
      env: { ...process.env, ETCDCTL_API: '3' },
    });
    const history = await flotillaJson<ConfigHistory>([...at, 'config', 'history', 'compacted', 'k']);
    expect(history.end).toBe('compacted');
    expect(history.entries.map((e) => [e.modRevision, e.value])).toEqual([
      [revisions[2], 3],
      [revisions[1], 2],
    ]);
    const table = await flotilla([...at, 'config', 'history', 'compacted', 'k']);
    expect(table.code).toBe(0);
    expect(table.stderr).toBe(
      `history stops at revision ${revisions[1]}: the store has compacted the revisions before it\n`,
    );
  });

  it('watches a service, printing each change with its revision, and exits 0 on Ctrl-C', async () => {
    const watch = startWatch([...at, 'config', 'watch', 'live', '--json']);
    watches.push(watch);
    await watch.ready();
    const put = await flotillaJson<{ revision: number }>([
      ...at,
      'config',
      'set',
      'live',
      'greeting',
      '"hi"',
    ]);
    const del = await flotillaJson<{ revision: number }>([...at, 'config', 'del', 'live', 'greeting']);
    const lines = await watch.waitForLines(2);
    expect(lines.map((l) => JSON.parse(l) as ConfigChange)).toEqual([
      { type: 'put', service: 'live', key: 'greeting', value: 'hi', raw: '"hi"', revision: put.revision },
      { type: 'delete', service: 'live', key: 'greeting', value: null, raw: '', revision: del.revision },
    ]);
    expect(await watch.interrupt()).toBe(0);

    const oneKey = startWatch([...at, 'config', 'watch', 'live', 'retries']);
    watches.push(oneKey);
    await oneKey.ready();
    await flotilla([...at, 'config', 'set', 'live', 'greeting', '"ignored"']);
    const retries = await flotillaJson<{ revision: number }>([
      ...at,
      'config',
      'set',
      'live',
      'retries',
      '7',
    ]);
    expect(await oneKey.waitForLines(1)).toEqual([`${retries.revision}\tPUT\tretries\t7`]);
    expect(await oneKey.interrupt()).toBe(0);
  });
});
