import { Server, type ServerOptions } from '@grpc/grpc-js';

/**
 * A grpc-js Server whose accepted sockets have TCP_NODELAY set. grpc-js sets it on client sockets
 * only; without it a server's small responses wait for the peer's delayed ACK (Nagle), adding up
 * to tens of milliseconds per round trip under load. The option reaches Node's net.Server through
 * the http2 server options grpc-js keeps (`commonServerOptions`), read when it binds.
 */
export function createGrpcServer(options: ServerOptions = {}): Server {
  const server = new Server(options);
  const common = (server as unknown as { commonServerOptions?: Record<string, unknown> }).commonServerOptions;
  if (common) common['noDelay'] = true;
  return server;
}
