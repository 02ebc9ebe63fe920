import { GreeterService } from '@flotilla/proto';
import { startInProcessGreeter } from '../test-support/in-process-greeter.js';
import { createClient } from '../client/create-client.js';
import type * as Rpc from '../index.js';

describe('two copies of @flotilla/rpc in one process (source and dist)', () => {
  let server: Awaited<ReturnType<typeof startInProcessGreeter>>;
  beforeAll(async () => {
    server = await startInProcessGreeter();
  });
  afterAll(() => server?.close());

  it("balances one copy's client with the other copy's load-balancer policy (the one grpc-js registered last)", async () => {
    const first = createClient(GreeterService, [server.address]); // registers this copy's policies
    first.$close();
    const other = (await import(new URL('../../dist/index.js', import.meta.url).href)) as typeof Rpc;
    expect(other.createClient).not.toBe(createClient);
    other.registerLoadBalancers(); // grpc-js now builds policies from the other copy's classes
    const client = createClient(GreeterService, [server.address]);
    try {
      expect(await client.sayHello({ name: 'copy', count: 0 })).toEqual({ message: 'copy/0' });
      expect(client.$stats().endpoints.map((e) => e.started)).toEqual([1]);
    } finally {
      client.$close();
    }
  });
});
