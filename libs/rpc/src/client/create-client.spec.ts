import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { GreeterService, type HelloReply, type HelloRequest, protoFile } from '@flotilla/proto';
import {
  callObserverInterceptor,
  type ClientCallEvent,
  metadataInterceptor,
} from '../interceptors/client-interceptors.js';
import { type GreeterFleet, startGreeterFleet } from '../test-support/greeter-fleet.js';
import { createClient } from './create-client.js';
import type { TypedClient } from './client-types.js';
import { waitConnected } from '../test-support/wait-connected.js';

const GREETER_PROTO = protoFile('helloworld/v1/greeter.proto');

describe('createClient against three greeter processes found through etcd', () => {
  let fleet: GreeterFleet;
  let client: TypedClient<typeof GreeterService>;
  const events: ClientCallEvent[] = [];
  const sentAuth: string[] = [];

  beforeAll(async () => {
    fleet = await startGreeterFleet(3);
    client = createClient(GreeterService, 'etcd:///greeter', {
      discovery: fleet.discovery,
      protoFile: GREETER_PROTO,
      interceptors: [
        metadataInterceptor(() => {
          sentAuth.push('Bearer t0ken');
          return { authorization: 'Bearer t0ken' };
        }),
        callObserverInterceptor((event) => events.push(event)),
      ],
    });
    await waitConnected(client, 3);
  });
  afterAll(async () => {
    client?.$close();
    await fleet?.stop();
  });

  it('makes unary calls typed from the ts-proto definition, spread over every instance', async () => {
    const replies: HelloReply[] = [];
    for (let i = 0; i < 30; i++) replies.push(await client.sayHello({ name: `n${i}`, count: 0 }));
    expect(replies[7]).toEqual({ message: 'Hello n7' });
    const started = client.$stats().endpoints.map((e) => e.started);
    expect(started.every((n) => n > 0)).toBe(true);
  });

  it('iterates a server stream', async () => {
    const replies: HelloReply[] = [];
    for await (const reply of client.sayHelloServerStream({ name: 'Bo', count: 3 }, { timeoutMs: 5000 }))
      replies.push(reply);
    expect(replies).toEqual([{ message: 'Hello Bo' }, { message: 'Hello Bo' }, { message: 'Hello Bo' }]);
  });

  it('sends a client stream from an async iterable', async () => {
    async function* names(): AsyncIterable<HelloRequest> {
      for (const name of ['a', 'b', 'c']) yield { name, count: 0 };
    }
    expect(await client.sayHelloClientStream(names())).toEqual({ message: 'Hello a, b, c' });
    expect(await client.sayHelloClientStream([{ name: 'x', count: 0 }])).toEqual({ message: 'Hello x' });
  });

  it('runs a bidi stream as a duplex', async () => {
    const call = client.sayHelloBidi({ metadata: new Metadata() });
    const replies: string[] = [];
    const reading = (async () => {
      for await (const reply of call) replies.push(reply.message);
    })();
    for (const name of ['x', 'y', 'z']) await call.write({ name, count: 0 });
    call.end();
    await reading;
    expect(replies).toEqual(['Hello x', 'Hello y', 'Hello z']);
  });

  it('runs the interceptors on every call', () => {
    expect(sentAuth.length).toBeGreaterThanOrEqual(30);
    expect(
      events.some(
        (e) =>
          e.method === '/helloworld.v1.Greeter/SayHello' && e.code === status.OK && e.service === 'greeter',
      ),
    ).toBe(true);
    expect(events.filter((e) => e.kind !== 'unary').map((e) => [e.kind, e.code])).toEqual([
      ['server_stream', status.OK],
      ['client_stream', status.OK],
      ['client_stream', status.OK],
      ['bidi', status.OK],
    ]);
  });

  it('passes caller errors (INVALID_ARGUMENT) through unchanged, without retries or tripping a breaker', async () => {
    const before = client.$stats();
    for (let i = 0; i < 40; i++) {
      await expect(client.sayHello({ name: '', count: 0 })).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: 'name is required',
      } satisfies Partial<ServiceError>);
    }
    await expect(
      (async () => {
        for await (const reply of client.sayHelloServerStream({ name: 'a', count: 101 })) void reply;
      })(),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: 'count must be between 0 and 100, got 101',
    });
    const after = client.$stats();
    expect(after.endpoints.map((e) => e.breaker)).toEqual(['closed', 'closed', 'closed']);
    expect(after.retries).toBe(before.retries);
    expect(after.transparentRetries).toBe(before.transparentRetries);
    const started = (s: typeof after) => s.endpoints.reduce((sum, e) => sum + e.started, 0);
    expect(started(after) - started(before)).toBe(41);
    // And good calls still work, on every endpoint.
    await expect(client.sayHello({ name: 'ok', count: 0 })).resolves.toEqual({ message: 'Hello ok' });
  });

  it('cancels through an AbortSignal with CANCELLED', async () => {
    const controller = new AbortController();
    const call = client.sayHelloBidi({ signal: controller.signal });
    const reading = (async () => {
      for await (const reply of call) void reply;
    })();
    controller.abort();
    await expect(reading).rejects.toMatchObject({ code: status.CANCELLED });
    const aborted = AbortSignal.abort();
    await expect(client.sayHello({ name: 'late', count: 0 }, { signal: aborted })).rejects.toMatchObject({
      code: status.CANCELLED,
    });
  });

  it('fails a call whose deadline has already passed without sending it', async () => {
    await expect(
      client.sayHello({ name: 'x', count: 0 }, { deadline: new Date(Date.now() - 1) }),
    ).rejects.toMatchObject({
      code: status.DEADLINE_EXCEEDED,
    });
  });

  it('calls a static host:port list the same way', async () => {
    const staticClient = createClient(
      GreeterService,
      fleet.instances.map((i) => i.address),
      { serviceName: 'greeter-static' },
    );
    try {
      expect(await staticClient.sayHello({ name: 'static', count: 0 })).toEqual({ message: 'Hello static' });
      expect(
        staticClient
          .$stats()
          .endpoints.map((e) => e.address)
          .sort(),
      ).toEqual(fleet.instances.map((i) => i.address).sort());
    } finally {
      staticClient.$close();
    }
  });
});
