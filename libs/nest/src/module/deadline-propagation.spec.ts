import { credentials, Server, ServerCredentials } from '@grpc/grpc-js';
import { type INestMicroservice, Module } from '@nestjs/common';
import {
  GreeterClient,
  type GreeterServer,
  GreeterService,
  greeterSchema,
  type HelloReply,
  type HelloRequest,
} from '@flotilla/proto';
import { type Observable, of } from 'rxjs';
import { createMicroservice } from '../bootstrap/create-microservice.js';
import { InjectClient } from '../decorators/inject-client.decorator.js';
import { RpcController } from '../decorators/rpc-controller.decorator.js';
import type { FlotillaClient } from '../interfaces/flotilla-client.interface.js';
import { FlotillaServer } from '../server/flotilla-server.js';
import { unary } from '../test-support/grpc-calls.js';
import { FlotillaModule } from './flotilla.module.js';

/** A Greeter that forwards SayHello downstream with its injected client. */
@RpcController(GreeterService)
class ForwardingGreeter {
  constructor(
    @InjectClient(GreeterService) private readonly downstream: FlotillaClient<typeof GreeterService>,
  ) {}
  sayHello(request: HelloRequest): Promise<HelloReply> {
    return this.downstream.sayHello({ name: request.name });
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

describe('deadline propagation through FlotillaServer to an injected client', () => {
  let downstream: Server;
  let downstreamAddress: string;
  let app: INestMicroservice;

  beforeAll(async () => {
    // Replies with the deadline it was called with.
    downstream = new Server();
    downstream.addService(GreeterService, {
      sayHello: (call, callback) =>
        callback(null, { message: String(new Date(call.getDeadline()).getTime()) }),
    } as GreeterServer);
    const port = await new Promise<number>((resolve, reject) =>
      downstream.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    downstreamAddress = `127.0.0.1:${port}`;
    @Module({
      imports: [
        FlotillaModule.forRoot({
          service: 'forwarder',
          schemas: [greeterSchema],
          settings: { port: 0, logLevel: 'silent' },
        }),
        FlotillaModule.forClients([{ service: GreeterService, target: [downstreamAddress] }]),
      ],
      controllers: [ForwardingGreeter],
    })
    class ForwarderModule {}
    app = await createMicroservice(ForwarderModule, { env: {} });
    await app.listen();
  });
  afterAll(async () => {
    await app?.close();
    downstream?.forceShutdown();
  });

  it("gives the downstream call no more than what is left of the caller's deadline", async () => {
    const client = new GreeterClient(app.get(FlotillaServer).address!, credentials.createInsecure());
    try {
      const sent = Date.now();
      const reply = await unary(client, { name: 'x', count: 0 }, 800);
      const elapsed = Date.now() - sent;
      const downstreamDeadline = Number(reply.message);
      // gRPC sends a timeout, not a time: each hop's deadline moves later by that hop's transit
      // time, at most the whole call's. Without propagation it would be the default, 10 s out.
      expect(downstreamDeadline).toBeLessThanOrEqual(sent + 800 + elapsed);
      expect(downstreamDeadline).toBeGreaterThan(sent);
    } finally {
      client.close();
    }
  });
});
