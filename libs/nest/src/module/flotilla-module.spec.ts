import { credentials, Metadata, status } from '@grpc/grpc-js';
import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  Module,
  UseGuards,
} from '@nestjs/common';
import {
  GreeterClient,
  GreeterService,
  greeterSchema,
  type HelloReply,
  type HelloRequest,
} from '@flotilla/proto';
import { createMicroservice } from '../bootstrap/create-microservice.js';
import { RpcController } from '../decorators/rpc-controller.decorator.js';
import type { CallContext } from '../interfaces/call-context.interface.js';
import type { FlotillaSettings } from '../interfaces/flotilla-settings.interface.js';
import { FlotillaServer } from '../server/flotilla-server.js';
import { unary } from '../test-support/grpc-calls.js';
import { FlotillaModule } from './flotilla.module.js';
import { FLOTILLA_SETTINGS } from './tokens.js';
import { map, type Observable, of } from 'rxjs';

/** Rejects calls that carry `x-deny`, as an auth guard would. */
@Injectable()
class DenyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const call = context.switchToRpc().getContext<CallContext>();
    if (call.metadata.get('x-deny').length > 0) throw new ForbiddenException('denied by guard');
    return true;
  }
}

@Injectable()
class Greetings {
  constructor(private readonly prefix: string) {}
  greet(name: string): string {
    return `${this.prefix} ${name}`;
  }
}

@RpcController(GreeterService)
@UseGuards(DenyGuard)
class GuardedGreeter {
  constructor(private readonly greetings: Greetings) {}
  sayHello(request: HelloRequest): HelloReply {
    return { message: this.greetings.greet(request.name) };
  }
  sayHelloServerStream(request: HelloRequest): Observable<HelloReply> {
    return of({ message: request.name });
  }
  sayHelloClientStream(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(map((r) => ({ message: r.name })));
  }
  sayHelloBidi(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(map((r) => ({ message: r.name })));
  }
}

@Module({ providers: [{ provide: 'PREFIX', useValue: 'Hi' }], exports: ['PREFIX'] })
class ConfigModule {}

/** forRootAsync: options from a factory with injected dependencies, as Nest modules do. */
@Module({
  imports: [
    FlotillaModule.forRootAsync({
      imports: [ConfigModule],
      inject: ['PREFIX'],
      useFactory: (prefix: string) => ({
        service: `async-${prefix.toLowerCase()}`,
        schemas: [greeterSchema],
        settings: { port: 0, logLevel: 'silent' },
      }),
    }),
  ],
  controllers: [GuardedGreeter],
  providers: [DenyGuard, { provide: Greetings, useFactory: () => new Greetings('Hi') }],
})
class AsyncModule {}

describe('FlotillaModule.forRootAsync and Nest enhancers on an RpcController', () => {
  it('takes its options from a factory, and guards run with the CallContext', async () => {
    const app = await createMicroservice(AsyncModule, { env: {} });
    await app.listen();
    const client = new GreeterClient(app.get(FlotillaServer).address!, credentials.createInsecure());
    try {
      expect(app.get<FlotillaSettings>(FLOTILLA_SETTINGS).service).toBe('async-hi');
      expect(await unary(client, { name: 'Ada', count: 0 })).toEqual({ message: 'Hi Ada' });
      const denied = await new Promise<unknown>((resolve) => {
        const metadata = new Metadata();
        metadata.set('x-deny', '1');
        client.sayHello({ name: 'x', count: 0 }, metadata, (error: unknown) => resolve(error));
      });
      expect(denied).toMatchObject({ code: status.PERMISSION_DENIED, details: 'denied by guard' });
    } finally {
      client.close();
      await app.close();
    }
  });
});
