import { RpcController } from '@flotilla/nest';
import { GreeterService, type HelloReply, type HelloRequest } from '@flotilla/proto';
import { map, type Observable, range, reduce } from 'rxjs';
import { GreetingService } from './greeting.service.js';

/** helloworld.v1.Greeter, one handler per call shape; checked against GreeterService when compiled. */
@RpcController(GreeterService)
export class GreeterController {
  constructor(private readonly greetings: GreetingService) {}

  sayHello(request: HelloRequest): HelloReply {
    return { message: this.greetings.greet(request.name) };
  }

  sayHelloServerStream(request: HelloRequest): Observable<HelloReply> {
    const message = this.greetings.greet(request.name);
    return range(0, this.greetings.repeat(request.count)).pipe(map(() => ({ message })));
  }

  sayHelloClientStream(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(
      map((request) => this.greetings.checkName(request.name)),
      reduce((names: string[], name) => [...names, name], []),
      map((names) => ({ message: this.greetings.greetAll(names) })),
    );
  }

  sayHelloBidi(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(map((request) => ({ message: this.greetings.greet(request.name) })));
  }
}
