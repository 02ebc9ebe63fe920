import { status } from '@grpc/grpc-js';
import { RpcStatusError } from '@flotilla/nest';
import { TranslationService } from './translation.service.js';
import type { TranslatorConfig } from './translator-config.js';
import { translatorConfig } from './translator-config.js';

/** A stand-in for the live config handle: the test changes `current` as a `config set` would. */
function fakeConfig(initial: Partial<TranslatorConfig> = {}) {
  const view = { current: translatorConfig.parse(initial) };
  return { view, snapshot: () => view.current };
}

const hello = { text: 'Hello', language: 'fr' };

describe('TranslationService modes (live config)', () => {
  it('defaults to mode ok and slowMs 300', () => {
    expect(translatorConfig.parse({})).toEqual({ mode: 'ok', slowMs: 300 });
    expect(() => translatorConfig.parse({ mode: 'broken' })).toThrow(/mode/);
    expect(() => translatorConfig.parse({ slowMs: -1 })).toThrow(/slowMs/);
  });

  it('answers at once in mode ok', async () => {
    const service = new TranslationService(fakeConfig());
    const started = performance.now();
    expect(await service.translate(hello)).toEqual({ text: 'Bonjour', language: 'fr' });
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('answers slowMs late in mode slow, and reads each change on the next call', async () => {
    const config = fakeConfig({ mode: 'slow', slowMs: 120 });
    const service = new TranslationService(config);
    let started = performance.now();
    expect(await service.translate(hello)).toEqual({ text: 'Bonjour', language: 'fr' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);

    config.view.current = { mode: 'ok', slowMs: 120 };
    started = performance.now();
    await service.translate(hello);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('stops waiting with CANCELLED when the call is cancelled in mode slow', async () => {
    const service = new TranslationService(fakeConfig({ mode: 'slow', slowMs: 10_000 }));
    const controller = new AbortController();
    const pending = service.translate(hello, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: status.CANCELLED });
  });

  it('fails every call with UNAVAILABLE in mode failing, bad requests included', async () => {
    const service = new TranslationService(fakeConfig({ mode: 'failing' }));
    for (const request of [hello, { text: '', language: 'fr' }]) {
      const error = await service.translate(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcStatusError);
      expect(error).toMatchObject({
        code: status.UNAVAILABLE,
        message: 'translator is failing on purpose (config mode "failing")',
        reason: 'FAILING_ON_PURPOSE',
      });
    }
  });

  it('passes the phrase table errors through in mode ok', async () => {
    const service = new TranslationService(fakeConfig());
    await expect(service.translate({ text: 'Hello', language: 'xx' })).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
    await expect(service.translate({ text: '', language: 'fr' })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });
});
