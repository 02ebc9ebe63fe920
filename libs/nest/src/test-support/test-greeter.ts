import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Module,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { GreeterService, greeterSchema, type HelloReply, type HelloRequest } from '@flotilla/proto';
import { map, type Observable, reduce } from 'rxjs';
import { RpcController } from '../decorators/rpc-controller.decorator.js';
import { NotFoundError, ValidationError } from '../errors/rpc-status-error.js';
import type { CallContext } from '../interfaces/call-context.interface.js';
import type { FlotillaSettingsInput } from '../interfaces/flotilla-settings.interface.js';
import { FlotillaModule } from '../module/flotilla.module.js';

/**
 * A Greeter for the transport's specs. Names steer it: `invalid` fails validation (reason
 * NAME_INVALID), `missing` is not found, `boom` throws an unexpected error, `slow:<ms>` waits,
 * `deadline` replies with the deadline it saw.
 */
@RpcController(GreeterService)
export class TestGreeterController {
  sayHello(request: HelloRequest, context: CallContext): Promise<HelloReply> | HelloReply {
    return reply(request, context);
  }

  async *sayHelloServerStream(request: HelloRequest, context: CallContext): AsyncIterable<HelloReply> {
    for (let i = 0; i < Math.max(1, request.count); i++) yield await reply(request, context);
  }

  sayHelloClientStream(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(
      map((request) => check(request.name)),
      reduce((names: string[], name) => [...names, name], []),
      map((names) => ({ message: `Hello ${names.join(', ')}` })),
    );
  }

  sayHelloBidi(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(map((request) => ({ message: `Hello ${check(request.name)}` })));
  }
}

async function reply(request: HelloRequest, context: CallContext): Promise<HelloReply> {
  const name = check(request.name);
  if (name.startsWith('slow:')) await new Promise((resolve) => setTimeout(resolve, Number(name.slice(5))));
  if (name === 'deadline') return { message: String(context.deadline) };
  return { message: `Hello ${name}` };
}

function check(name: string): string {
  if (name === 'invalid')
    throw new ValidationError('name is invalid', { reason: 'NAME_INVALID', metadata: { field: 'name' } });
  if (name === 'missing') throw new NotFoundError('no such greeting');
  if (name === 'boom') throw new Error('secret internals at /srv/app.ts:42');
  return name;
}

/** Passes everything through; with it, Nest wraps each handler's result in an Observable. */
@Injectable()
class PassThroughInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}

/** The test greeter on FlotillaModule, as service `test-greeter`, behind a global interceptor. */
export function testGreeterModule(settings: FlotillaSettingsInput = {}) {
  @Module({
    imports: [
      FlotillaModule.forRoot({
        service: 'test-greeter',
        schemas: [greeterSchema],
        settings: { host: '127.0.0.1', port: 0, logLevel: 'silent', ...settings },
      }),
    ],
    controllers: [TestGreeterController],
    providers: [{ provide: APP_INTERCEPTOR, useClass: PassThroughInterceptor }],
  })
  class TestGreeterModule {}
  return TestGreeterModule;
}
