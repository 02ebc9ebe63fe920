import { Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { GreeterService, type GreeterServer } from '@flotilla/proto';
import { createClient } from '../client/create-client.js';
import { deadlineServerInterceptor } from '../interceptors/server-interceptors.js';
import { type GreeterFleet, startGreeterFleet } from '../test-support/greeter-fleet.js';
import {
  currentDeadline,
  outgoingDeadline,
  remainingTimeMs,
  runWithDeadline,
} from './deadline-propagation.js';

describe('deadline scopes', () => {
  it('only ever shorten the deadline', () => {
    runWithDeadline(Date.now() + 1000, () => {
      runWithDeadline(Date.now() + 5000, () => expect(remainingTimeMs()).toBeLessThanOrEqual(1000));
      expect(outgoingDeadline({ timeoutMs: 60_000 }, 10_000)).toBe(currentDeadline());
    });
    expect(currentDeadline()).toBeUndefined();
  });
});

describe('deadline propagation through a server (real gRPC: a grpc-js gateway in front of a slow greeter process)', () => {
  let fleet: GreeterFleet;
  let gateway: Server;
  let gatewayAddress: string;
  const seenRemaining: number[] = [];

  beforeAll(async () => {
    fleet = await startGreeterFleet(1, () => ({ GREETER_DELAY_MS: '400' }));
    const downstream = createClient(GreeterService, [fleet.instances[0]!.address], {
      serviceName: 'greeter',
      config: { timeoutMs: 10_000 },
    });
    gateway = new Server({ interceptors: [deadlineServerInterceptor()] });
    const impl: GreeterServer = {
      sayHello: (call, callback) => {
        seenRemaining.push(remainingTimeMs() ?? -1);
        // The downstream call has a 10 s default, but must inherit what is left of the inbound deadline.
        downstream.sayHello(call.request).then(
          (reply) => callback(null, reply),
          (error: ServiceError) => callback(error),
        );
      },
      sayHelloServerStream: (call) => call.end(),
      sayHelloClientStream: (_call, callback) => callback(null, { message: '' }),
      sayHelloBidi: (call) => call.end(),
    };
    gateway.addService(GreeterService, impl);
    const port = await new Promise<number>((resolve, reject) =>
      gateway.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    gatewayAddress = `127.0.0.1:${port}`;
  });
  afterAll(async () => {
    gateway?.forceShutdown();
    await fleet?.stop();
  });

  it('gives the downstream call only the time left of the inbound deadline', async () => {
    const client = createClient(GreeterService, [gatewayAddress], { serviceName: 'gateway' });
    try {
      const started = performance.now();
      await expect(client.sayHello({ name: 'x', count: 0 }, { timeoutMs: 150 })).rejects.toMatchObject({
        code: status.DEADLINE_EXCEEDED,
      });
      // Failed at the inbound deadline (150 ms), not at the downstream default (10 s) or the greeter's 400 ms.
      expect(performance.now() - started).toBeLessThan(390);
      expect(seenRemaining[0]).toBeGreaterThan(0);
      expect(seenRemaining[0]).toBeLessThanOrEqual(150);
    } finally {
      client.$close();
    }
  });
});
