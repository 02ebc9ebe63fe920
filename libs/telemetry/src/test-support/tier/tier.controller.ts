import { Inject, Optional } from '@nestjs/common';
import { GreeterService, type HelloReply, type HelloRequest } from '@flotilla/proto';
import { type FlotillaClient, InjectClient, NotFoundError, RpcController } from '@flotilla/nest';
import { concatMap, from, map, type Observable, reduce } from 'rxjs';

/** Injection token of the tier's name. */
export const TIER_NAME = 'tier-name';

/**
 * A Greeter that forwards to the next tier, if it has one, and prefixes the reply with its own
 * name (`edge > middle > leaf: Hello Ada`). The last tier answers itself; `missing` is NOT_FOUND
 * there. The server stream makes one downstream call per reply, the bidi stream one per request.
 */
@RpcController(GreeterService)
export class TierController {
  constructor(
    @Inject(TIER_NAME) private readonly tier: string,
    @Optional()
    @InjectClient(GreeterService)
    private readonly next: FlotillaClient<typeof GreeterService> | undefined,
  ) {}

  async sayHello(request: HelloRequest): Promise<HelloReply> {
    if (!this.next) {
      if (request.name === 'missing') throw new NotFoundError('no such greeting');
      return { message: `${this.tier}: Hello ${request.name}` };
    }
    const reply = await this.next.sayHello({ name: request.name });
    return { message: `${this.tier} > ${reply.message}` };
  }

  async *sayHelloServerStream(request: HelloRequest): AsyncIterable<HelloReply> {
    for (let i = 0; i < Math.max(1, request.count); i++)
      yield await this.sayHello({ name: `${request.name}#${i}`, count: 0 });
  }

  sayHelloClientStream(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(
      reduce((names: string[], request) => [...names, request.name], []),
      map((names) => ({ message: `${this.tier}: Hello ${names.join(', ')}` })),
    );
  }

  sayHelloBidi(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(concatMap((request) => from(this.sayHello(request))));
  }
}
