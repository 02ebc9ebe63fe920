import { Injectable, Module } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { createDiscovery } from '@flotilla/discovery';
import { GreeterService, greeterSchema } from '@flotilla/proto';
import { type EtcdCluster, freePorts, startEtcdCluster, stopChild } from '@flotilla/testing';
import { createMicroservice } from '../bootstrap/create-microservice.js';
import { InjectClient } from '../decorators/inject-client.decorator.js';
import type { FlotillaClient } from '../interfaces/flotilla-client.interface.js';
import { FlotillaModule } from '../module/flotilla.module.js';
import { FlotillaServer } from '../server/flotilla-server.js';
import { testGreeterModule } from '../test-support/test-greeter.js';
import { type GreeterProcess, startGreeter } from '../test-support/greeter-processes.js';

@Injectable()
class GreetingCaller {
  constructor(@InjectClient(GreeterService) readonly greeter: FlotillaClient<typeof GreeterService>) {}

  async greet(name: string): Promise<string> {
    // A partial request: `count` is filled in from the schema.
    return (await this.greeter.sayHello({ name })).message;
  }
}

/** An application that calls the greeter, registering nowhere itself (it does not listen). */
function callerModule(registry: readonly string[] | undefined) {
  @Module({
    imports: [
      FlotillaModule.forRoot({
        service: 'caller',
        schemas: [greeterSchema],
        settings: { logLevel: 'silent', ...(registry ? { registry: [...registry] } : {}) },
      }),
      FlotillaModule.forClients([{ service: GreeterService, config: { timeoutMs: 5000 } }]),
    ],
    providers: [GreetingCaller],
  })
  class CallerModule {}
  return CallerModule;
}

describe('clients by injection (FlotillaModule.forClients + @InjectClient), each app with its own registry', () => {
  const clusters: EtcdCluster[] = [];
  const greeters: GreeterProcess[] = [];
  const apps: INestMicroservice[] = [];

  beforeAll(async () => {
    clusters.push(...(await Promise.all([startEtcdCluster({ size: 1 }), startEtcdCluster({ size: 1 })])));
    const ports = await freePorts(2);
    // One greeter registered in each registry, both as "greeter".
    greeters.push(
      ...(await Promise.all(
        clusters.map((cluster, i) =>
          startGreeter({
            id: `inject-${i}`,
            port: ports[i]!,
            registry: cluster.endpoints.join(','),
            args: ['--drain-ms', '0'],
          }),
        ),
      )),
    );
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await Promise.all(greeters.map((g) => stopChild(g.child, 'SIGKILL')));
    await Promise.all(clusters.map((c) => c.stop()));
  });

  it('gives each application a typed client that resolves through its own registry connection', async () => {
    const [a, b] = await Promise.all(
      clusters.map((cluster) => createMicroservice(callerModule(cluster.endpoints), { env: {} })),
    );
    apps.push(a!, b!);
    const callerA = a!.get(GreetingCaller);
    const callerB = b!.get(GreetingCaller);
    for (let i = 0; i < 10; i++) {
      expect(await callerA.greet(`a${i}`)).toBe(`Hello a${i}`);
      expect(await callerB.greet(`b${i}`)).toBe(`Hello b${i}`);
    }
    // Created later, B's connection did not take over A's resolution (it did, process-wide, before).
    expect(callerA.greeter.$stats().endpoints.map((e) => e.address)).toEqual([greeters[0]!.address]);
    expect(callerB.greeter.$stats().endpoints.map((e) => e.address)).toEqual([greeters[1]!.address]);
  });

  it('fails at start-up, saying what is missing, when a client needs the registry and none is configured', async () => {
    await expect(createMicroservice(callerModule(undefined), { env: {} })).rejects.toThrow(
      'FlotillaModule.forClients: helloworld.v1.Greeter is called through etcd:///greeter, but no registry is configured',
    );
  });

  it('registers the port the OS picked for --port 0, once listening', async () => {
    const endpoints = clusters[0]!.endpoints;
    const app = await createMicroservice(testGreeterModule(), {
      argv: ['--port', '0', '--registry', endpoints.join(','), '--instance-id', 'port-zero'],
      env: {},
    });
    apps.push(app);
    await app.listen();
    const discovery = await createDiscovery({ endpoints });
    try {
      expect(await discovery.list('test-greeter')).toMatchObject([
        { instanceId: 'port-zero', address: app.get(FlotillaServer).address },
      ]);
      expect(app.get(FlotillaServer).address).not.toMatch(/:0$/);
    } finally {
      await discovery.close();
    }
  });
});
