import {
  type ChannelCredentials,
  credentials,
  Metadata,
  Server,
  ServerCredentials,
  type ServiceError,
} from '@grpc/grpc-js';
import { GreeterClient, type GreeterServer, GreeterService, type HelloReply } from '@flotilla/proto';

/** A real grpc-js Greeter server on loopback whose replies say which instance answered. */
export async function startInProcessGreeter(
  instanceId: string,
): Promise<{ address: string; close(): Promise<void> }> {
  const server = new Server();
  const impl: GreeterServer = {
    sayHello: (call, callback) =>
      callback(null, { message: `Hello ${call.request.name} from ${instanceId}` }),
    sayHelloServerStream: (call) => call.end(),
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

export function greeterClient(
  target: string,
  creds: ChannelCredentials = credentials.createInsecure(),
): GreeterClient {
  return new GreeterClient(target, creds);
}

export function sayHello(client: GreeterClient, name: string, timeoutMs = 2000): Promise<HelloReply> {
  return new Promise((resolve, reject) =>
    client.sayHello(
      { name, count: 0 },
      new Metadata(),
      { deadline: new Date(Date.now() + timeoutMs) },
      (error: ServiceError | null, reply: HelloReply) => (error ? reject(error) : resolve(reply)),
    ),
  );
}
