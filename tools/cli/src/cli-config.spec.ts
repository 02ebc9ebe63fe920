import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type EtcdCluster, etcdPut, freePort, REGISTRY_BINARIES, startEtcdCluster } from '@flotilla/testing';
import { ExitCode } from './exit-codes.js';
import { type CliWatch, flotilla, flotillaJson, startWatch } from './test-support/run-cli.js';
import type { ConfigChange } from './commands/config/config-watch.js';
import type { ConfigEntry, ConfigGetEntry } from './commands/config/config-entry.js';
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

/** Any key, any JSON value. */
const OPEN_SCHEMA = { type: 'object' };

/** As zod's z.toJSONSchema writes a schema whose keys have .default(...); `motto` has none. */
const WITH_DEFAULTS = {
  type: 'object',
  properties: {
    greeting: { default: 'Hello, {name}', type: 'string', minLength: 1 },
    retries: { default: 3, type: 'integer', minimum: 0, maximum: 10 },
    motto: { type: 'string' },
  },
  required: ['greeting', 'retries'],
  additionalProperties: false,
};

describe.each(REGISTRY_BINARIES)('flotilla config against %s', (binary) => {
  let cluster: EtcdCluster;
  let at: string[];
  const watches: CliWatch[] = [];

  /** Stores a schema as a service publishes it on start (the CLI only reads schemas). */
  const publishSchema = (service: string, schema: object) =>
    etcdPut(cluster.endpoints[0]!, `flotilla/schemas/${service}`, JSON.stringify(schema));

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary, size: 1 });
    at = ['--endpoints', cluster.endpoints.join(',')];
    // Services whose tests are about something else than schemas: any key, any value.
    for (const service of ['hist', 'compacted', 'live']) await publishSchema(service, OPEN_SCHEMA);
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
      '--no-schema',
    ]);
    expect(set).toEqual({
      service: 'crud',
      key: 'greeting',
      value: 'Hello, {name}',
      revision: expect.any(Number),
    });
    const second = await flotilla([...at, 'config', 'set', 'crud', 'limits', '{"rps":5}', '--no-schema']);
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
      source: 'store',
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
      '--no-schema',
    ]);
    expect(del).toEqual({ service: 'crud', key: 'greeting', deleted: true, revision: expect.any(Number) });

    const gone = await flotilla([...at, 'config', 'get', 'crud', 'greeting']);
    expect(gone.code).toBe(ExitCode.failed);
    expect(gone.stderr).toBe(
      'error: unknown key "greeting" of service "crud": nothing at flotilla/config/crud/greeting; list the service\'s keys with `flotilla config get crud`\n',
    );
    const delAgain = await flotilla([...at, 'config', 'del', 'crud', 'greeting', '--no-schema']);
    expect(delAgain.code).toBe(ExitCode.failed);
    expect(delAgain.stderr).toContain('unknown key "greeting" of service "crud"');
    const unknown = await flotilla([...at, 'config', 'get', 'no-such-service']);
    expect(unknown.code).toBe(ExitCode.failed);
    expect(unknown.stderr).toContain(
      'error: unknown service "no-such-service": no keys under flotilla/config/no-such-service/',
    );
  });

  it('rejects a value that breaks the stored schema, naming path and rule, and leaves the value alone', async () => {
    // A value written before the service published its schema.
    expect((await flotilla([...at, 'config', 'set', 'guarded', 'retries', '4', '--no-schema'])).code).toBe(0);
    await publishSchema('guarded', SCHEMA);

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

  it('refuses set and del on a service without a schema (a typo), naming the known ones and --no-schema', async () => {
    await publishSchema('typo-target', SCHEMA);
    const set = await flotilla([...at, 'config', 'set', 'typo-targt', 'retries', '5']);
    expect(set.code).toBe(ExitCode.failed);
    expect(set.stdout).toBe('');
    expect(set.stderr).toMatch(
      /^error: unknown service "typo-targt": no schema at flotilla\/schemas\/typo-targt \(services with a schema: [^)]*\btypo-target\b[^)]*\); check the name, start the service once so that it publishes its schema, or pass --no-schema to write unchecked\n$/,
    );
    const del = await flotilla([...at, 'config', 'del', 'typo-targt', 'retries']);
    expect(del.code).toBe(ExitCode.failed);
    expect(del.stderr).toContain(
      'error: unknown service "typo-targt": no schema at flotilla/schemas/typo-targt',
    );
    // Nothing was written: the service is still unknown to reads.
    const get = await flotilla([...at, 'config', 'get', 'typo-targt', 'retries']);
    expect(get.code).toBe(ExitCode.failed);
    expect(get.stderr).toContain('error: unknown service "typo-targt"');

    // --no-schema is the way to write such a service anyway (unchecked), and to delete from it.
    const forced = await flotillaJson<{ revision: number }>([
      ...at,
      'config',
      'set',
      'typo-targt',
      'retries',
      '50',
      '--no-schema',
    ]);
    const stored = await flotillaJson<ConfigGetEntry>([...at, 'config', 'get', 'typo-targt', 'retries']);
    expect(stored).toMatchObject({ value: 50, modRevision: forced.revision, source: 'store' });
    expect((await flotilla([...at, 'config', 'del', 'typo-targt', 'retries', '--no-schema'])).code).toBe(0);

    const help = await flotilla(['config', 'set', '--help']);
    expect(help.stdout).toContain('--no-schema');
  });

  it.each([
    ['get', ['config', 'get', 'nowhere']],
    ['get of a key', ['config', 'get', 'nowhere', 'retries']],
    ['watch', ['config', 'watch', 'nowhere']],
    ['history', ['config', 'history', 'nowhere', 'retries']],
  ])('%s on a service with neither keys nor a schema: unknown service, exit 1', async (_name, args) => {
    const result = await flotilla([...at, ...args]);
    expect(result.code).toBe(ExitCode.failed);
    expect(result.stderr).toMatch(
      /^error: unknown service "nowhere": no keys under flotilla\/config\/nowhere\/ and no schema at flotilla\/schemas\/nowhere \(services with a schema: .+\); check the name, or start the service once so that it publishes its schema\n$/,
    );
  });

  it('shows a declared key nobody set at its schema default, marked as such; an undeclared key stays unknown', async () => {
    await publishSchema('defaults', WITH_DEFAULTS);
    const greeting = await flotilla([...at, 'config', 'get', 'defaults', 'greeting', '--json']);
    expect(greeting.code, greeting.stderr).toBe(0);
    expect(JSON.parse(greeting.stdout)).toEqual({
      service: 'defaults',
      key: 'greeting',
      value: 'Hello, {name}',
      raw: '"Hello, {name}"',
      source: 'default',
    });
    const table = await flotilla([...at, 'config', 'get', 'defaults', 'greeting']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/KEY.*VALUE.*REVISION.*SOURCE/);
    expect(table.stdout).toMatch(/greeting.*"Hello, \{name\}".*-.*default/);
    expect(table.stderr).toBe("defaults/greeting is not set: the service uses the schema's default\n");

    const set = await flotillaJson<{ revision: number }>([
      ...at,
      'config',
      'set',
      'defaults',
      'retries',
      '5',
    ]);
    const all = await flotillaJson<{ entries: ConfigGetEntry[] }>([...at, 'config', 'get', 'defaults']);
    expect(all.entries).toEqual([
      { key: 'greeting', value: 'Hello, {name}', raw: '"Hello, {name}"', source: 'default' },
      {
        key: 'retries',
        value: 5,
        raw: '5',
        modRevision: set.revision,
        createRevision: set.revision,
        version: 1,
        source: 'store',
      },
    ]);

    const undeclared = await flotilla([...at, 'config', 'get', 'defaults', 'colour']);
    expect(undeclared.code).toBe(ExitCode.failed);
    expect(undeclared.stderr).toBe(
      'error: unknown key "colour" of service "defaults": nothing at flotilla/config/defaults/colour, and the schema at flotilla/schemas/defaults does not declare it (declared keys: greeting, retries, motto); check the key name\n',
    );
    const noDefault = await flotilla([...at, 'config', 'get', 'defaults', 'motto']);
    expect(noDefault.code).toBe(ExitCode.failed);
    expect(noDefault.stderr).toContain(
      'defaults/motto is not set (nothing at flotilla/config/defaults/motto)',
    );
    expect(noDefault.stderr).toContain('gives it no default');
    const history = await flotilla([...at, 'config', 'history', 'defaults', 'greeting']);
    expect(history.code).toBe(ExitCode.failed);
    expect(history.stderr).toContain(
      'defaults/greeting has no history: nothing at flotilla/config/defaults/greeting',
    );

    // Deleting a key puts the default back, and get says so.
    expect((await flotilla([...at, 'config', 'del', 'defaults', 'retries'])).code).toBe(0);
    const back = await flotillaJson<ConfigGetEntry>([...at, 'config', 'get', 'defaults', 'retries']);
    expect(back).toMatchObject({ value: 3, source: 'default' });
    const delDefault = await flotilla([...at, 'config', 'del', 'defaults', 'retries']);
    expect(delDefault.code).toBe(ExitCode.failed);
    expect(delDefault.stderr).toContain(
      'defaults/retries is not set: nothing at flotilla/config/defaults/retries to delete',
    );
  });

  it('takes the store from ETCD_ENDPOINTS, and --endpoints wins over it', async () => {
    await publishSchema('env', OPEN_SCHEMA);
    const store = cluster.endpoints.join(',');
    const dead = `127.0.0.1:${await freePort()}`;
    const fromEnv = await flotilla(['config', 'set', 'env', 'k', '1', '--json'], {
      env: { ETCD_ENDPOINTS: store },
    });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ service: 'env', key: 'k', value: 1 });

    const flagWins = await flotilla([...at, 'config', 'get', 'env', 'k', '--json'], {
      env: { ETCD_ENDPOINTS: dead },
    });
    expect(flagWins.code, flagWins.stderr).toBe(0);
    expect(JSON.parse(flagWins.stdout)).toMatchObject({ value: 1, source: 'store' });

    const deadFlag = await flotilla(['--endpoints', dead, 'config', 'get', 'env', 'k'], {
      env: { ETCD_ENDPOINTS: store },
    });
    expect(deadFlag.code).toBe(ExitCode.unreachable);
    expect(deadFlag.stderr).toContain(`store unreachable: no answer from http://${dead} (`);
  });
});
