import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import type { HelloReply, HelloRequest } from '@flotilla/proto';
import { map, Observable, range, reduce } from 'rxjs';
import { GreetingService } from './greeting.service.js';

/** helloworld.v1.Greeter, one handler per call shape. */
@Controller()
export class GreeterController {
  constructor(private readonly greetings: GreetingService) {}

  @GrpcMethod('Greeter', 'SayHello')
  sayHello(request: HelloRequest): HelloReply {
    return { message: this.greetings.greet(request.name) };
  }

  @GrpcMethod('Greeter', 'SayHelloServerStream')
  sayHelloServerStream(request: HelloRequest): Observable<HelloReply> {
    const message = this.greetings.greet(request.name);
    return range(0, this.greetings.repeat(request.count)).pipe(map(() => ({ message })));
  }

  @GrpcStreamMethod('Greeter', 'SayHelloClientStream')
  sayHelloClientStream(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(
      map((request) => this.greetings.checkName(request.name)),
      reduce((names: string[], name) => [...names, name], []),
      map((names) => ({ message: this.greetings.greetAll(names) })),
    );
  }

  @GrpcStreamMethod('Greeter', 'SayHelloBidi')
  sayHelloBidi(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(map((request) => ({ message: this.greetings.greet(request.name) })));
  }
}
