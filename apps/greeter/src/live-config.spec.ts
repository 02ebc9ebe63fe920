import { ConfigClient } from '@flotilla/config';
import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { GreeterService, greeterSchema } from '@flotilla/proto';
import { createClient, type TypedClient } from '@flotilla/rpc';
import { type EtcdCluster, startEtcdCluster, waitFor } from '@flotilla/testing';
import { GREETER_MAIN, ServiceProcesses } from './test-support/fleet-processes.js';

describe('greeter template from @flotilla/config, live (greeter process on flotilla-store)', () => {
  let cluster: EtcdCluster;
  let discovery: Discovery;
  let config: ConfigClient;
  let processes: ServiceProcesses;
  let greeter: TypedClient<typeof GreeterService, true>;

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary: 'flotilla-store', size: 1 });
    discovery = await createDiscovery({ endpoints: cluster.endpoints });
    config = new ConfigClient({ endpoints: cluster.endpoints });
    processes = new ServiceProcesses(cluster.endpoints);
    await processes.start(GREETER_MAIN, 'greeter-live');
    await waitFor(async () => (await discovery.list('greeter')).length === 1, {
      timeoutMs: 20_000,
      what: `the greeter to register:\n${processes.output()}`,
    });
    greeter = createClient(GreeterService, 'etcd:///greeter', { discovery, schemas: [greeterSchema] });
  }, 120_000);

  afterAll(async () => {
    greeter?.$close();
    await config?.close();
    await discovery?.close();
    await processes?.stopAll();
    await cluster?.stop();
  });

  it('replies with the default template, and a `template` set changes replies at once', async () => {
    expect(await greeter.sayHello({ name: 'Ada' })).toEqual({ message: 'Hello Ada' });

    await config.setConfig('greeter', 'template', '{greeting}, {name}!');
    const setAt = performance.now();
    // Every call from the acknowledged set on, until the new shape shows: the watch delivers it in
    // milliseconds, so a second is a generous bound for "at once".
    await waitFor(async () => (await greeter.sayHello({ name: 'Ada' })).message === 'Hello, Ada!', {
      timeoutMs: 1000,
      intervalMs: 0,
      what: 'the new template in replies',
    });
    expect(performance.now() - setAt).toBeLessThan(1000);
    // Every call shape uses it.
    const streamed: string[] = [];
    for await (const reply of greeter.sayHelloServerStream({ name: 'Bo', count: 2 }))
      streamed.push(reply.message);
    expect(streamed).toEqual(['Hello, Bo!', 'Hello, Bo!']);
  });

  it('refuses a template without {name}, and replies keep the last good one', async () => {
    await config.setConfig('greeter', 'template', '{greeting} there, {name}.');
    await waitFor(async () => (await greeter.sayHello({ name: 'Cy' })).message === 'Hello there, Cy.', {
      timeoutMs: 1000,
      intervalMs: 0,
      what: 'the second template in replies',
    });
    await expect(config.setConfig('greeter', 'template', 'no name here')).rejects.toThrow(/template/);
    expect(await greeter.sayHello({ name: 'Cy' })).toEqual({ message: 'Hello there, Cy.' });
  });
});
