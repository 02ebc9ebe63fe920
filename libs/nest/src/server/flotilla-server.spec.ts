import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type Client,
  credentials,
  loadPackageDefinition,
  Metadata,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { INestMicroservice } from '@nestjs/common';
import { GreeterClient, type HelloReply } from '@flotilla/proto';
import { errorInfoOf } from '@flotilla/rpc';
import { checkHealth } from '@flotilla/testing';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { createMicroservice } from '../bootstrap/create-microservice.js';
import { collect, unary } from '../test-support/grpc-calls.js';
import { testGreeterModule } from '../test-support/test-greeter.js';
import { FlotillaServer } from './flotilla-server.js';

describe('FlotillaServer serving ts-proto definitions (in-process Nest app, real gRPC over loopback)', () => {
  let app: INestMicroservice;
  let address: string;
  let client: GreeterClient;

  beforeAll(async () => {
    app = await createMicroservice(testGreeterModule(), { env: {} });
    await app.listen();
    address = app.get(FlotillaServer).address!;
    client = new GreeterClient(address, credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await app?.close();
  });

  it('listens on the port the OS picked for port 0', () => {
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(address).not.toBe('127.0.0.1:0');
  });

  it('answers a unary call through the generated codecs', async () => {
    expect(await unary(client, { name: 'Ada', count: 0 })).toEqual({ message: 'Hello Ada' });
  });

  it('streams replies from an async generator', async () => {
    expect(await collect<HelloReply>(client.sayHelloServerStream({ name: 'Bo', count: 3 }))).toEqual([
      { message: 'Hello Bo' },
      { message: 'Hello Bo' },
      { message: 'Hello Bo' },
    ]);
  });

  it('reduces a client stream to one reply', async () => {
    const reply = await new Promise<HelloReply>((resolve, reject) => {
      const call = client.sayHelloClientStream((error, r) => (error ? reject(error) : resolve(r)));
      for (const name of ['a', 'b', 'c']) call.write({ name, count: 0 });
      call.end();
    });
    expect(reply).toEqual({ message: 'Hello a, b, c' });
  });

  it('answers each bidi request in order', async () => {
    const call = client.sayHelloBidi();
    const replies = collect<HelloReply>(call);
    for (const name of ['x', 'y', 'z']) call.write({ name, count: 0 });
    call.end();
    expect(await replies).toEqual(['x', 'y', 'z'].map((n) => ({ message: `Hello ${n}` })));
  });

  it('maps a ValidationError to INVALID_ARGUMENT with its message and an ErrorInfo reason, in every call shape', async () => {
    const expectInvalid = (error: ServiceError) => {
      expect(error).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'name is invalid' });
      expect(errorInfoOf(error)).toEqual({
        reason: 'NAME_INVALID',
        domain: 'test-greeter',
        metadata: { field: 'name' },
      });
    };
    expectInvalid(
      (await unary(client, { name: 'invalid', count: 0 }).catch((e: ServiceError) => e)) as ServiceError,
    );
    expectInvalid(
      (await collect(client.sayHelloServerStream({ name: 'invalid', count: 2 })).catch(
        (e: ServiceError) => e,
      )) as ServiceError,
    );
    const clientStream = await new Promise<ServiceError>((resolve) => {
      const call = client.sayHelloClientStream((error) => resolve(error!));
      call.write({ name: 'ok', count: 0 });
      call.write({ name: 'invalid', count: 0 });
      call.end();
    });
    expectInvalid(clientStream);
    const bidi = client.sayHelloBidi(new Metadata());
    const bidiReplies = collect(bidi).catch((e: ServiceError) => e);
    bidi.write({ name: 'invalid', count: 0 });
    bidi.end();
    expectInvalid((await bidiReplies) as ServiceError);
  });

  it('maps a NotFoundError to NOT_FOUND', async () => {
    const error = (await unary(client, { name: 'missing', count: 0 }).catch(
      (e: unknown) => e,
    )) as ServiceError;
    expect(error).toMatchObject({ code: status.NOT_FOUND, details: 'no such greeting' });
    expect(errorInfoOf(error)).toMatchObject({ reason: 'NOT_FOUND', domain: 'test-greeter' });
  });

  it('maps an unexpected error to INTERNAL without its message or stack', async () => {
    const error = (await unary(client, { name: 'boom', count: 0 }).catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe(status.INTERNAL);
    expect(error.details).toMatch(/^internal error \(ref [0-9a-f]{8}\)$/);
    expect(JSON.stringify(error.metadata.getMap())).not.toMatch(/secret|app\.ts/);
  });

  it('gives the handler the caller deadline', async () => {
    const before = Date.now();
    const reply = await unary(client, { name: 'deadline', count: 0 }, 3000);
    const seen = Number(reply.message);
    expect(seen).toBeGreaterThanOrEqual(before + 2900);
    expect(seen).toBeLessThanOrEqual(Date.now() + 3000);
  });

  it('reports SERVING on the standard health service, overall and for Greeter', async () => {
    expect(await checkHealth(address)).toBe('SERVING');
    expect(await checkHealth(address, 'helloworld.v1.Greeter')).toBe('SERVING');
    await expect(checkHealth(address, 'no.such.Service')).rejects.toMatchObject({ code: status.NOT_FOUND });
  });

  it('describes Greeter through reflection, from the embedded file descriptor', async () => {
    const reflectionProto = join(
      dirname(createRequire(import.meta.url).resolve('@grpc/reflection')),
      '../proto/grpc/reflection/v1/reflection.proto',
    );
    const pkg = loadPackageDefinition(loadSync(reflectionProto, { keepCase: false })) as unknown as {
      grpc: {
        reflection: {
          v1: {
            ServerReflection: new (a: string, c: ReturnType<typeof credentials.createInsecure>) => Client;
          };
        };
      };
    };
    const reflection = new pkg.grpc.reflection.v1.ServerReflection(address, credentials.createInsecure());
    try {
      const call = (
        reflection as unknown as {
          serverReflectionInfo(): NodeJS.ReadWriteStream & { write(m: object): boolean };
        }
      ).serverReflectionInfo();
      const replies = collect<{
        listServicesResponse?: { service: { name: string }[] };
        fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
      }>(call);
      call.write({ listServices: '' });
      call.write({ fileContainingSymbol: 'helloworld.v1.Greeter' });
      call.end();
      const [list, file] = await replies;
      expect(list?.listServicesResponse?.service.map((s) => s.name)).toContain('helloworld.v1.Greeter');
      const decoded = (
        descriptor as unknown as { FileDescriptorProto: { decode(b: Buffer): unknown } }
      ).FileDescriptorProto.decode(file!.fileDescriptorResponse!.fileDescriptorProto[0]!) as {
        name: string;
        service: { name: string; method: { name: string }[] }[];
      };
      expect(decoded.name).toBe('helloworld/v1/greeter.proto');
      expect(decoded.service[0]?.method.map((m) => m.name)).toEqual([
        'SayHello',
        'SayHelloServerStream',
        'SayHelloClientStream',
        'SayHelloBidi',
      ]);
    } finally {
      reflection.close();
    }
  });
});

describe('FlotillaServer start-up failures', () => {
  it('refuses a port already in use, naming it', async () => {
    const holder = await createMicroservice(testGreeterModule(), { env: {} });
    await holder.listen();
    const port = Number(holder.get(FlotillaServer).address!.split(':')[1]);
    const second = await createMicroservice(testGreeterModule({ port }), { env: {} });
    try {
      await expect(second.listen()).rejects.toThrow(
        `cannot listen on 127.0.0.1:${port}: port already in use`,
      );
    } finally {
      await second.close();
      await holder.close();
    }
  });
});
