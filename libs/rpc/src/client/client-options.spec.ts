import { status } from '@grpc/grpc-js';
import { GreeterService, greeterSchema, type HelloReply } from '@flotilla/proto';
import { startInProcessGreeter } from '../test-support/in-process-greeter.js';
import { createClient } from './create-client.js';

describe('createClient options (one in-process grpc-js greeter, static target)', () => {
  let server: Awaited<ReturnType<typeof startInProcessGreeter>>;
  beforeAll(async () => {
    server = await startInProcessGreeter();
  });
  afterAll(() => server?.close());

  it('takes partial requests when given the schema, filling the rest with proto defaults', async () => {
    const client = createClient(GreeterService, [server.address], { schemas: [greeterSchema] });
    try {
      expect(await client.sayHello({ name: 'Ada' })).toEqual({ message: 'Ada/0' });
      expect(await client.sayHello({})).toEqual({ message: '/0' });
    } finally {
      client.$close();
    }
  });

  it('reads idempotency from the schema: SayHello (IDEMPOTENT) is retried, and only on retryable codes', async () => {
    const client = createClient(GreeterService, [server.address], {
      schemas: [greeterSchema],
      config: { retry: { retryableCodes: ['RESOURCE_EXHAUSTED'], maxAttempts: 3, initialBackoffMs: 1 } },
    });
    try {
      await expect(client.sayHello({ name: 'quota' })).rejects.toMatchObject({
        code: status.RESOURCE_EXHAUSTED,
      });
      expect(client.$stats().retries).toBe(2);
    } finally {
      client.$close();
    }
  });

  it('rejects schemas that do not describe the service', () => {
    const other = {
      ...greeterSchema,
      fileDescriptor: { ...greeterSchema.fileDescriptor, package: 'other.v1' },
    };
    expect(() => createClient(GreeterService, [server.address], { schemas: [other] })).toThrow(
      'createClient: none of the schemas describes helloworld.v1.Greeter',
    );
  });

  it('rejects a typo among the method names of its config', () => {
    expect(() =>
      createClient(GreeterService, [server.address], { config: { methods: { SayHelo: { timeoutMs: 5 } } } }),
    ).toThrow(
      'rpc config for "helloworld.v1.Greeter": methods.SayHelo is not a method of helloworld.v1.Greeter (methods: SayHello, SayHelloServerStream, SayHelloClientStream, SayHelloBidi)',
    );
  });

  it('says what is missing for an etcd:/// target without a Discovery, instead of failing on DNS', () => {
    expect(() => createClient(GreeterService, 'etcd:///nowhere')).toThrow(
      'createClient: etcd:///nowhere is resolved through etcd, but no Discovery was given',
    );
  });

  it('gives streams no default deadline: a 600 ms stream outlives the 200 ms unary default', async () => {
    const client = createClient(GreeterService, [server.address], { config: { timeoutMs: 200 } });
    try {
      const replies: HelloReply[] = [];
      for await (const reply of client.sayHelloServerStream({ name: 's', count: 6 })) replies.push(reply);
      expect(replies).toHaveLength(6);
    } finally {
      client.$close();
    }
  });

  it('applies a deadline configured for the stream method', async () => {
    const client = createClient(GreeterService, [server.address], {
      config: { methods: { SayHelloServerStream: { timeoutMs: 250 } } },
    });
    try {
      await expect(
        (async () => {
          for await (const reply of client.sayHelloServerStream({ name: 's', count: 6 })) void reply;
        })(),
      ).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED });
    } finally {
      client.$close();
    }
  });
});
