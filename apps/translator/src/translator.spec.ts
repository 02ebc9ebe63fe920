import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ConfigClient } from '@flotilla/config';
import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { TranslatorService, translatorSchema } from '@flotilla/proto';
import { createClient, errorInfoOf, type TypedClient } from '@flotilla/rpc';
import {
  captureOutput,
  type EtcdCluster,
  exited,
  freePort,
  spawnTracked,
  startEtcdCluster,
  stopChild,
  waitFor,
} from '@flotilla/testing';

// The build outputs, run with plain Node as the fleet runs them.
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../../tools/cli/dist/main.js', import.meta.url));
const run = promisify(execFile);

describe('translator processes on flotilla-store, called by name through discovery', () => {
  let cluster: EtcdCluster;
  let discovery: Discovery;
  let config: ConfigClient;
  let translator: TypedClient<typeof TranslatorService, true>;
  const children: { child: ChildProcess; output: () => string }[] = [];

  async function spawnTranslator(id: string): Promise<void> {
    const port = await freePort();
    const child = spawnTracked(process.execPath, [
      MAIN,
      ...['--port', String(port), '--instance-id', id, '--registry', cluster.endpoints.join(',')],
    ]);
    children.push({ child, output: captureOutput(child) });
  }

  /** Elapsed ms of one Translate of "Hello" into French, or the error it failed with. */
  async function timedHello(): Promise<{ ms: number; text?: string; error?: ServiceError }> {
    const started = performance.now();
    try {
      const { text } = await translator.translate({ text: 'Hello', language: 'fr' });
      return { ms: performance.now() - started, text };
    } catch (error) {
      return { ms: performance.now() - started, error: error as ServiceError };
    }
  }

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary: 'flotilla-store', size: 1 });
    discovery = await createDiscovery({ endpoints: cluster.endpoints });
    config = new ConfigClient({ endpoints: cluster.endpoints });
    await Promise.all([spawnTranslator('translator-a'), spawnTranslator('translator-b')]);
    await waitFor(async () => (await discovery.list('translator')).length === 2, {
      timeoutMs: 20_000,
      what: `two registered translators:\n${children.map((c) => c.output()).join('\n')}`,
    });
    translator = createClient(TranslatorService, 'etcd:///translator', {
      discovery,
      schemas: [translatorSchema],
      // Breakers off: this test watches each mode's own effect, not how a breaker reacts to it.
      config: { breaker: { enabled: false } },
    });
  }, 120_000);

  afterAll(async () => {
    translator?.$close();
    await config?.close();
    await discovery?.close();
    await Promise.all(children.map(({ child }) => stopChild(child, 'SIGKILL')));
    await cluster?.stop();
  });

  it('translates, spread over both instances, and names bad input with INVALID_ARGUMENT or NOT_FOUND', async () => {
    for (let i = 0; i < 20; i++) {
      expect(await translator.translate({ text: 'Hello', language: 'fr' })).toEqual({
        text: 'Bonjour',
        language: 'fr',
      });
    }
    const served = translator.$stats().endpoints.filter((e) => e.succeeded > 0);
    expect(served).toHaveLength(2);

    const unknown = await translator
      .translate({ text: 'Hello', language: 'xx' })
      .catch((e: ServiceError) => e);
    expect(unknown).toMatchObject({
      code: status.NOT_FOUND,
      details: 'unknown language "xx" (known: en, fr, de, es, it, nl, pt)',
    });
    expect(errorInfoOf(unknown as ServiceError)).toMatchObject({
      reason: 'LANGUAGE_NOT_FOUND',
      domain: 'translator',
    });
    await expect(translator.translate({ text: '', language: 'fr' })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: 'text is required',
    });
  });

  it('changes mode live: failing (ConfigClient.setConfig), then slow (the flotilla CLI), then ok', async () => {
    await config.setConfig('translator', 'mode', 'failing');
    await waitFor(async () => (await timedHello()).error !== undefined, {
      timeoutMs: 5000,
      what: 'calls to fail once mode is "failing"',
    });
    // Both instances fail, so the client's retries end in UNAVAILABLE too.
    const failed = await timedHello();
    expect(failed.error).toMatchObject({
      code: status.UNAVAILABLE,
      details: 'translator is failing on purpose (config mode "failing")',
    });

    const cli = (key: string, value: string) =>
      run(process.execPath, [
        CLI,
        '--endpoints',
        cluster.endpoints.join(','),
        'config',
        'set',
        'translator',
        key,
        value,
      ]);
    await cli('slowMs', '400');
    await cli('mode', '"slow"');
    await waitFor(async () => (await timedHello()).text === 'Bonjour', {
      timeoutMs: 5000,
      what: 'calls to succeed once mode is "slow"',
    });
    const slow = await timedHello();
    expect(slow.text).toBe('Bonjour');
    expect(slow.ms).toBeGreaterThanOrEqual(395);

    await config.setConfig('translator', 'mode', 'ok');
    await waitFor(async () => (await timedHello()).ms < 200, {
      timeoutMs: 5000,
      what: 'calls to be fast once mode is "ok"',
    });
    expect(await timedHello()).toMatchObject({ text: 'Bonjour' });
  });

  it('refuses an invalid mode before writing it, naming the key', async () => {
    await expect(config.setConfig('translator', 'mode', 'broken')).rejects.toThrow(/mode/);
  });

  it('stops gracefully on SIGTERM, deregistering first', async () => {
    const { child, output } = children[0]!;
    const done = exited(child);
    child.kill('SIGTERM');
    expect(await done).toEqual({ code: 0, signal: null });
    expect(output()).toContain('shutdown lease-revoked');
    await waitFor(async () => (await discovery.list('translator')).length === 1, {
      timeoutMs: 2000,
      what: 'the stopped translator to leave the registry',
    });
  });
});
