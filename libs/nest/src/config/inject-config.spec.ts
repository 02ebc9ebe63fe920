import { credentials } from '@grpc/grpc-js';
import { Injectable, Module } from '@nestjs/common';
import { type ConfigHandle, setConfig } from '@flotilla/config';
import {
  GreeterClient,
  GreeterService,
  greeterSchema,
  type HelloReply,
  type HelloRequest,
} from '@flotilla/proto';
import {
  checkHealth,
  type EtcdCluster,
  REGISTRY_BINARIES,
  startEtcdCluster,
  waitFor,
} from '@flotilla/testing';
import { map, type Observable, of } from 'rxjs';
import { z } from 'zod';
import { createMicroservice } from '../bootstrap/create-microservice.js';
import { InjectConfig } from '../decorators/inject-config.decorator.js';
import { RpcController } from '../decorators/rpc-controller.decorator.js';
import { FlotillaModule } from '../module/flotilla.module.js';
import { FlotillaServer } from '../server/flotilla-server.js';
import { unary } from '../test-support/grpc-calls.js';
import { CONFIG_HEALTH_SERVICE } from './service-config.js';

const greeterConfig = z.object({
  greeting: z.string().min(1).default('Hello'),
  punctuation: z.enum(['.', '!']).default('.'),
});
type GreeterConfig = z.infer<typeof greeterConfig>;

@Injectable()
class Greetings {
  constructor(@InjectConfig() private readonly config: ConfigHandle<GreeterConfig>) {}
  greet(name: string): string {
    return `${this.config.get('greeting')} ${name}${this.config.get('punctuation')}`;
  }
}

@RpcController(GreeterService)
class ConfiguredGreeter {
  constructor(private readonly greetings: Greetings) {}
  sayHello(request: HelloRequest): HelloReply {
    return { message: this.greetings.greet(request.name) };
  }
  sayHelloServerStream(request: HelloRequest): Observable<HelloReply> {
    return of({ message: this.greetings.greet(request.name) });
  }
  sayHelloClientStream(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(map((r) => ({ message: r.name })));
  }
  sayHelloBidi(requests: Observable<HelloRequest>): Observable<HelloReply> {
    return requests.pipe(map((r) => ({ message: r.name })));
  }
}

function configuredModule(service: string) {
  @Module({
    imports: [
      FlotillaModule.forRoot({
        service,
        schemas: [greeterSchema],
        settings: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
        config: { schema: greeterConfig },
      }),
    ],
    controllers: [ConfiguredGreeter],
    providers: [Greetings],
  })
  class ConfiguredModule {}
  return ConfiguredModule;
}

describe.each(REGISTRY_BINARIES)('@InjectConfig() on %s', (binary) => {
  let cluster: EtcdCluster;
  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary, size: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('injects the typed live handle: a set changes replies at once, and health reports stale config', async () => {
    const service = `configured-${binary.replace(/[^a-z]/g, '')}`;
    await setConfig({ endpoints: cluster.endpoints }, service, 'greeting', 'Bonjour');
    const app = await createMicroservice(configuredModule(service), {
      env: { FLOTILLA_REGISTRY: cluster.endpoints.join(',') },
    });
    await app.listen();
    const address = app.get(FlotillaServer).address!;
    const client = new GreeterClient(address, credentials.createInsecure());
    try {
      // Stored before start: the first call already sees it.
      expect(await unary(client, { name: 'Ada', count: 0 })).toEqual({ message: 'Bonjour Ada.' });
      expect(await checkHealth(address, CONFIG_HEALTH_SERVICE)).toBe('SERVING');

      await setConfig({ endpoints: cluster.endpoints }, service, 'punctuation', '!');
      await waitFor(async () => (await unary(client, { name: 'Ada', count: 0 })).message === 'Bonjour Ada!', {
        timeoutMs: 5000,
        what: 'the new punctuation in replies',
      });
      // A value the schema refuses never reaches the handler (the store or the client refuses it).
      await expect(setConfig({ endpoints: cluster.endpoints }, service, 'punctuation', '?')).rejects.toThrow(
        /punctuation/,
      );
      expect(await unary(client, { name: 'Ada', count: 0 })).toEqual({ message: 'Bonjour Ada!' });

      await cluster.kill(0);
      await waitFor(async () => (await checkHealth(address, CONFIG_HEALTH_SERVICE)) === 'NOT_SERVING', {
        timeoutMs: 15_000,
        what: 'the config health entry to report stale config',
      });
      // Stale config keeps the instance serving, with the last good values.
      expect(await checkHealth(address)).toBe('SERVING');
      expect(await unary(client, { name: 'Ada', count: 0 })).toEqual({ message: 'Bonjour Ada!' });

      await cluster.restart(0);
      await waitFor(async () => (await checkHealth(address, CONFIG_HEALTH_SERVICE)) === 'SERVING', {
        timeoutMs: 15_000,
        what: 'the config health entry to report live config again',
      });
    } finally {
      client.close();
      await app.close();
    }
  }, 60_000);
});
