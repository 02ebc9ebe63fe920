/**
 * What FlotillaServer adds per call on the server, without the network: SayHello's grpc-js
 * handler as FlotillaServer builds it (Nest's guards/interceptors/pipes/filters pipeline, error
 * mapping, in-flight accounting, CallContext) against the same logic as a bare grpc-js handler,
 * both called with the same fake grpc-js call, 64 at a time. Reports CPU microseconds per call.
 * Run: node libs/nest/dist/bench/pipeline.js   (part of npx nx run nest:bench; BENCH_CALLS=200000)
 */
import 'reflect-metadata';
import {
  type handleUnaryCall,
  Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  status,
} from '@grpc/grpc-js';
import { Module } from '@nestjs/common';
import {
  createMicroservice,
  FlotillaModule,
  FlotillaServer,
  RpcController,
  ValidationError,
} from '@flotilla/nest';
import { GreeterService, greeterSchema, type HelloReply, type HelloRequest } from '@flotilla/proto';
import { type Observable, of } from 'rxjs';

const CALLS = Number(process.env['BENCH_CALLS'] ?? 200_000);

function greet(name: string): string {
  if (name.length === 0) throw new ValidationError('name is required');
  if ([...name].length > 256) throw new ValidationError('name is too long');
  return `Hello ${name}`;
}

@RpcController(GreeterService)
class BenchGreeter {
  sayHello(request: HelloRequest): HelloReply {
    return { message: greet(request.name) };
  }
  sayHelloServerStream(): Observable<HelloReply> {
    return of();
  }
  sayHelloClientStream(): HelloReply {
    return { message: '' };
  }
  sayHelloBidi(): Observable<HelloReply> {
    return of();
  }
}

@Module({
  imports: [
    FlotillaModule.forRoot({
      service: 'bench',
      schemas: [greeterSchema],
      settings: { port: 0, logLevel: 'silent', shedding: false },
    }),
  ],
  controllers: [BenchGreeter],
})
class BenchModule {}

const bare: handleUnaryCall<HelloRequest, HelloReply> = (call, callback) => {
  const name = call.request.name;
  if (name.length === 0) return callback({ code: status.INVALID_ARGUMENT, details: 'name is required' });
  if ([...name].length > 256) return callback({ code: status.INVALID_ARGUMENT, details: 'name is too long' });
  callback(null, { message: `Hello ${name}` });
};

function fakeCall(): ServerUnaryCall<HelloRequest, HelloReply> {
  return {
    request: { name: 'bench', count: 0 },
    metadata: new Metadata(),
    cancelled: false,
    getDeadline: () => Date.now() + 10_000,
    getPeer: () => '127.0.0.1:1',
    once: () => undefined,
    sendMetadata: () => undefined,
  } as unknown as ServerUnaryCall<HelloRequest, HelloReply>;
}

async function cpuPerCall(handler: handleUnaryCall<HelloRequest, HelloReply>): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS; i += 64) {
    await Promise.all(
      Array.from(
        { length: 64 },
        () =>
          new Promise<void>((resolve, reject) => {
            const callback: sendUnaryData<HelloReply> = (error) => (error ? reject(error) : resolve());
            handler(fakeCall(), callback);
          }),
      ),
    );
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / CALLS;
}

async function main(): Promise<void> {
  const app = await createMicroservice(BenchModule, { env: {} });
  await app.init(); // binds the handlers; nothing listens
  // The grpc-js implementation FlotillaServer would register (private: read for the bench only).
  const server = app.get(FlotillaServer) as unknown as {
    implementations(): Map<unknown, Record<string, handleUnaryCall<HelloRequest, HelloReply>>>;
  };
  const transport = [...server.implementations().values()][0]!['sayHello']!;
  await cpuPerCall(bare); // warm-up
  await cpuPerCall(transport);
  console.log(`node ${process.version}, ${CALLS} calls per round, 64 at a time, in process (no network)`);
  console.log('round  bare handler µs CPU/call  through FlotillaServer µs CPU/call  added µs');
  for (let round = 1; round <= 3; round++) {
    const b = await cpuPerCall(bare);
    const t = await cpuPerCall(transport);
    console.log(
      `${String(round).padStart(5)}  ${b.toFixed(2).padStart(24)}  ${t.toFixed(2).padStart(34)}  ${(t - b).toFixed(2).padStart(8)}`,
    );
  }
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
