import { status, type ServiceError } from '@grpc/grpc-js';
import type { INestMicroservice } from '@nestjs/common';
import { ConfigClient } from '@flotilla/config';
import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { createMicroservice, FlotillaServer } from '@flotilla/nest';
import { GreeterService, greeterSchema } from '@flotilla/proto';
import { createClient, errorInfoOf, type TypedClient } from '@flotilla/rpc';
import { type EtcdCluster, startEtcdCluster, waitFor } from '@flotilla/testing';
import { GreeterModule } from './greeter.module.js';
import { GREETER_MAIN, ServiceProcesses, TRANSLATOR_MAIN } from './test-support/fleet-processes.js';

describe('greetings in other languages through a real translator process (flotilla-store)', () => {
  let cluster: EtcdCluster;
  let discovery: Discovery;
  let config: ConfigClient;
  let processes: ServiceProcesses;
  let greeter: TypedClient<typeof GreeterService, true>;

  const registered = (service: string, n: number) =>
    waitFor(async () => (await discovery.list(service)).length === n, {
      timeoutMs: 20_000,
      what: `${n} registered ${service}:\n${processes.output()}`,
    });

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary: 'flotilla-store', size: 1 });
    discovery = await createDiscovery({ endpoints: cluster.endpoints });
    config = new ConfigClient({ endpoints: cluster.endpoints });
    processes = new ServiceProcesses(cluster.endpoints);
    await Promise.all([
      processes.start(TRANSLATOR_MAIN, 'translator-1'),
      processes.start(GREETER_MAIN, 'greeter-1'),
    ]);
    await Promise.all([registered('translator', 1), registered('greeter', 1)]);
    greeter = createClient(GreeterService, 'etcd:///greeter', { discovery, schemas: [greeterSchema] });
  }, 120_000);

  afterAll(async () => {
    greeter?.$close();
    await config?.close();
    await discovery?.close();
    await processes?.stopAll();
    await cluster?.stop();
  });

  it('greets in the language asked for, through the translator', async () => {
    expect(await greeter.sayHello({ name: 'Ada', language: 'fr' })).toEqual({ message: 'Bonjour Ada' });
    expect(await greeter.sayHello({ name: 'Ada', language: 'DE' })).toEqual({ message: 'Hallo Ada' });
    expect(await greeter.sayHello({ name: 'Ada', language: 'en' })).toEqual({ message: 'Hello Ada' });
    expect(await greeter.sayHelloClientStream([{ name: 'a', language: 'it' }, { name: 'b' }])).toEqual({
      message: 'Ciao a, b',
    });
  });

  it("passes the translator's NOT_FOUND for an unknown language on, naming the language", async () => {
    const error = await greeter.sayHello({ name: 'Ada', language: 'xx' }).catch((e: ServiceError) => e);
    expect(error).toMatchObject({
      code: status.NOT_FOUND,
      details: 'unknown language "xx" (known: en, fr, de, es, it, nl, pt)',
    });
    expect(errorInfoOf(error as ServiceError)).toMatchObject({
      reason: 'LANGUAGE_NOT_FOUND',
      domain: 'greeter',
    });
  });

  it('uses the live defaultLanguage when a request names none', async () => {
    await config.setConfig('greeter', 'defaultLanguage', 'es');
    try {
      await waitFor(async () => (await greeter.sayHello({ name: 'Ada' })).message === 'Hola Ada', {
        timeoutMs: 1000,
        intervalMs: 0,
        what: 'replies in Spanish by default',
      });
      expect(await greeter.sayHello({ name: 'Ada', language: 'fr' })).toEqual({ message: 'Bonjour Ada' });
    } finally {
      await config.setConfig('greeter', 'defaultLanguage', 'en');
    }
  });

  it('answers UNAVAILABLE naming the translator when none is left, and English still works', async () => {
    // Stopped gracefully, it deregisters before it exits.
    expect(await processes.stop('translator-1')).toEqual({ code: 0, signal: null });
    await registered('translator', 0);

    const error = await greeter.sayHello({ name: 'Ada', language: 'fr' }).catch((e: ServiceError) => e);
    expect(error).toMatchObject({ code: status.UNAVAILABLE });
    expect((error as ServiceError).details).toMatch(/^translator unavailable: translator: /);
    expect(errorInfoOf(error as ServiceError)).toMatchObject({
      reason: 'TRANSLATOR_UNAVAILABLE',
      domain: 'greeter',
    });
    expect(await greeter.sayHello({ name: 'Ada' })).toEqual({ message: 'Hello Ada' });
  });
});

describe('a greeter without a registry', () => {
  let app: INestMicroservice | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it('greets in English and refuses other languages with FAILED_PRECONDITION, saying why', async () => {
    app = await createMicroservice(GreeterModule, {
      argv: ['--port', '0'],
      env: { FLOTILLA_LOG_LEVEL: 'silent' },
    });
    await app.listen();
    const client = createClient(GreeterService, [app.get(FlotillaServer).address!], {
      schemas: [greeterSchema],
    });
    try {
      expect(await client.sayHello({ name: 'Ada' })).toEqual({ message: 'Hello Ada' });
      await expect(client.sayHello({ name: 'Ada', language: 'fr' })).rejects.toMatchObject({
        code: status.FAILED_PRECONDITION,
        details:
          'cannot greet in "fr": the greeter has no registry to find the translator through (set --registry or FLOTILLA_REGISTRY)',
      });
    } finally {
      client.$close();
    }
  });
});
