import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import type { HelloReply, HelloRequest } from '@flotilla/proto';
import { defer, map, Observable, range, reduce } from 'rxjs';
import { greet, invalidArgument, streamCount } from './greeting.js';

/** helloworld.v1.Greeter, one handler per call shape. */
@Controller()
export class GreeterController {
  @GrpcMethod('Greeter', 'SayHello')
  sayHello(request: HelloRequest): HelloReply {
    return { message: greet(request.name) };
  }

  @GrpcMethod('Greeter', 'SayHelloServerStream')
  sayHelloServerStream(request: HelloRequest): Observable<HelloReply> {
    const message = greet(request.name);
    return range(0, streamCount(request.count)).pipe(map(() => ({ message })));
  }

  @GrpcStreamMethod('Greeter', 'SayHelloClientStream')
  sayHelloClientStream(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(
      map((request) => greet(request.name).slice('Hello '.length)),
      reduce((names: string[], name) => [...names, name], []),
      map((names) => {
        if (names.length === 0) throw invalidArgument('at least one request with a name is required');
        return { message: `Hello ${names.join(', ')}` };
      }),
    );
  }

  @GrpcStreamMethod('Greeter', 'SayHelloBidi')
  sayHelloBidi(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return defer(() => requests.pipe(map((request) => ({ message: greet(request.name) }))));
  }
}
