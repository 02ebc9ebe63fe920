import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { type GreeterServer, GreeterService } from '@flotilla/proto';

/**
 * A plain grpc-js Greeter on loopback, for client specs that need no fleet: SayHello echoes the
 * request it decoded (`name`/`count`), the server stream sends `count` replies 100 ms apart, and
 * a name of `quota` fails with an unmarked RESOURCE_EXHAUSTED.
 */
export async function startInProcessGreeter(): Promise<{ address: string; close(): Promise<void> }> {
  const server = new Server();
  const impl: GreeterServer = {
    sayHello: (call, callback) =>
      call.request.name === 'quota'
        ? callback({ code: status.RESOURCE_EXHAUSTED, details: 'quota exceeded' })
        : callback(null, { message: `${call.request.name}/${call.request.count}` }),
    sayHelloServerStream: (call) => {
      let sent = 0;
      const timer = setInterval(() => {
        if (sent === call.request.count || call.cancelled) {
          clearInterval(timer);
          if (!call.cancelled) call.end();
          return;
        }
        sent += 1;
        call.write({ message: String(sent) });
      }, 100);
    },
    sayHelloClientStream: (_call, callback) => callback(null, { message: '' }),
    sayHelloBidi: (call) => call.end(),
  };
  server.addService(GreeterService, impl);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
