import { type ClientReadableStream, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { GreeterClient, HelloReply, HelloRequest } from '@flotilla/proto';

/** One SayHello with a deadline, through ts-proto's plain grpc-js client. */
export function unary(client: GreeterClient, request: HelloRequest, timeoutMs = 5000): Promise<HelloReply> {
  return new Promise((resolve, reject) =>
    client.sayHello(
      request,
      new Metadata(),
      { deadline: Date.now() + timeoutMs },
      (error: ServiceError | null, reply: HelloReply) => (error ? reject(error) : resolve(reply)),
    ),
  );
}

export function collect<T>(stream: ClientReadableStream<T> | NodeJS.ReadableStream): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const items: T[] = [];
    stream.on('data', (item: T) => items.push(item));
    stream.on('error', reject);
    stream.on('end', () => resolve(items));
  });
}
