import { RpcController } from '@flotilla/nest';
import { GreeterService, type HelloReply, type HelloRequest } from '@flotilla/proto';
import { concatMap, from, map, mergeMap, type Observable, range, reduce } from 'rxjs';
import { GreetingService } from './greeting.service.js';

/** helloworld.v1.Greeter, one handler per call shape; checked against GreeterService when compiled. */
@RpcController(GreeterService)
export class GreeterController {
  constructor(private readonly greetings: GreetingService) {}

  async sayHello(request: HelloRequest): Promise<HelloReply> {
    return { message: await this.greetings.greet(request.name, request.language) };
  }

  sayHelloServerStream(request: HelloRequest): Observable<HelloReply> {
    this.greetings.checkName(request.name);
    const count = this.greetings.repeat(request.count);
    return from(this.greetings.greet(request.name, request.language)).pipe(
      mergeMap((message) => range(0, count).pipe(map(() => ({ message })))),
    );
  }

  sayHelloClientStream(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(
      reduce(
        (all: { names: string[]; language?: string }, request) => ({
          names: [...all.names, this.greetings.checkName(request.name)],
          language: all.language ?? request.language,
        }),
        { names: [] },
      ),
      concatMap(({ names, language }) => this.greetings.greetAll(names, language)),
      map((message) => ({ message })),
    );
  }

  sayHelloBidi(requests: Observable<HelloRequest>): Observable<HelloReply> {
    // In order: each reply waits for the one before it, even when only some need the translator.
    return requests.pipe(
      concatMap((request) => this.greetings.greet(request.name, request.language)),
      map((message) => ({ message })),
    );
  }
}
