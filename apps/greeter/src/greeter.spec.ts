import {
  credentials,
  Metadata,
  status,
  type ServiceError,
  loadPackageDefinition,
  type Client,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { createMicroservice, FlotillaServer } from '@flotilla/nest';
import { GreeterClient, type HelloReply } from '@flotilla/proto';
import { errorInfoOf } from '@flotilla/rpc';
import { checkHealth } from '@flotilla/testing';
import { GreeterModule } from './greeter.module.js';

/** The greeter in this process, on a port the OS picks, quiet. */
async function startGreeter(
  argv: string[] = ['--port', '0'],
): Promise<{ app: INestMicroservice; address: string }> {
  const app = await createMicroservice(GreeterModule, { argv, env: { FLOTILLA_LOG_LEVEL: 'silent' } });
  try {
    await app.listen();
  } catch (error) {
    await app.close();
    throw error;
  }
  return { app, address: app.get(FlotillaServer).address! };
}

function unary(client: GreeterClient, name: string): Promise<HelloReply> {
  return new Promise((resolve, reject) =>
    client.sayHello({ name, count: 0 }, (error, reply) => (error ? reject(error) : resolve(reply))),
  );
}

function collect<T>(stream: NodeJS.ReadableStream): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const items: T[] = [];
    stream.on('data', (item: T) => items.push(item));
    stream.on('error', reject);
    stream.on('end', () => resolve(items));
  });
}

describe('greeter (in-process, real gRPC over loopback)', () => {
  let greeter: { app: INestMicroservice; address: string };
  let client: GreeterClient;

  beforeAll(async () => {
    greeter = await startGreeter();
    client = new GreeterClient(greeter.address, credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await greeter?.app.close();
  });

  it('answers SayHello', async () => {
    expect(await unary(client, 'Ada')).toEqual({ message: 'Hello Ada' });
  });

  it('streams count replies from SayHelloServerStream', async () => {
    const replies = await collect<HelloReply>(client.sayHelloServerStream({ name: 'Bo', count: 3 }));
    expect(replies).toEqual([{ message: 'Hello Bo' }, { message: 'Hello Bo' }, { message: 'Hello Bo' }]);
  });

  it('greets every streamed name once in SayHelloClientStream', async () => {
    const reply = await new Promise<HelloReply>((resolve, reject) => {
      const call = client.sayHelloClientStream((error, r) => (error ? reject(error) : resolve(r)));
      for (const name of ['a', 'b', 'c']) call.write({ name, count: 0 });
      call.end();
    });
    expect(reply).toEqual({ message: 'Hello a, b, c' });
  });

  it('answers each SayHelloBidi request in order', async () => {
    const call = client.sayHelloBidi();
    const replies = collect<HelloReply>(call);
    for (const name of ['x', 'y', 'z']) call.write({ name, count: 0 });
    call.end();
    expect(await replies).toEqual(['x', 'y', 'z'].map((n) => ({ message: `Hello ${n}` })));
  });

  it.each([
    ['empty name', '', 'name is required', 'NAME_REQUIRED'],
    ['long name', 'n'.repeat(257), 'name must be at most 256 characters, got 257', 'NAME_TOO_LONG'],
  ])(
    'rejects a %s with INVALID_ARGUMENT and its reason in every call shape',
    async (_label, name, details, reason) => {
      const expected = { code: status.INVALID_ARGUMENT, details };
      await expect(unary(client, name)).rejects.toMatchObject(expected);
      const error = await unary(client, name).catch((e: ServiceError) => e);
      expect(errorInfoOf(error as ServiceError)).toMatchObject({
        reason,
        domain: 'greeter',
        metadata: { field: 'name' },
      });
      await expect(collect(client.sayHelloServerStream({ name, count: 0 }))).rejects.toMatchObject(expected);
      await expect(
        new Promise((resolve, reject) => {
          const call = client.sayHelloClientStream((error, r) => (error ? reject(error) : resolve(r)));
          call.write({ name: 'ok', count: 0 });
          call.write({ name, count: 0 });
          call.end();
        }),
      ).rejects.toMatchObject(expected);
      const bidi = client.sayHelloBidi(new Metadata());
      const bidiReplies = collect<HelloReply>(bidi);
      bidi.write({ name, count: 0 });
      bidi.end();
      await expect(bidiReplies).rejects.toMatchObject(expected);
    },
  );

  it('rejects a server-stream count over 100', async () => {
    await expect(collect(client.sayHelloServerStream({ name: 'a', count: 101 }))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: 'count must be between 0 and 100, got 101',
    } satisfies Partial<ServiceError>);
  });

  it('reports SERVING on the standard health service, overall and for Greeter', async () => {
    expect(await checkHealth(greeter.address)).toBe('SERVING');
    expect(await checkHealth(greeter.address, 'helloworld.v1.Greeter')).toBe('SERVING');
    await expect(checkHealth(greeter.address, 'no.such.Service')).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
  });

  it('lists Greeter and health through server reflection', async () => {
    const reflectionProto = join(
      dirname(createRequire(import.meta.url).resolve('@grpc/reflection')),
      '../proto/grpc/reflection/v1/reflection.proto',
    );
    const pkg = loadPackageDefinition(loadSync(reflectionProto)) as unknown as {
      grpc: {
        reflection: {
          v1: {
            ServerReflection: new (a: string, c: ReturnType<typeof credentials.createInsecure>) => Client;
          };
        };
      };
    };
    const reflection = new pkg.grpc.reflection.v1.ServerReflection(
      greeter.address,
      credentials.createInsecure(),
    );
    const call = (
      reflection as unknown as {
        serverReflectionInfo(): NodeJS.ReadWriteStream & { write(m: object): boolean };
      }
    ).serverReflectionInfo();
    const replies = collect<{ listServicesResponse?: { service: { name: string }[] } }>(call);
    call.write({ listServices: '' });
    call.end();
    const names = (await replies)[0]?.listServicesResponse?.service.map((s) => s.name);
    reflection.close();
    expect(names).toEqual(expect.arrayContaining(['helloworld.v1.Greeter']));
  });

  it('refuses to start on a port already in use, naming the port', async () => {
    const port = Number(greeter.address.split(':').pop());
    await expect(startGreeter(['--port', String(port)])).rejects.toThrow(
      `cannot listen on 127.0.0.1:${port}: port already in use`,
    );
  });
});
