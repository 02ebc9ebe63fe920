/**
 * The bench's baseline server: helloworld.v1.Greeter's SayHello on a bare @grpc/grpc-js Server,
 * with the same request checks as apps/greeter, and nothing else (no Nest, no health, no
 * shedding). Prints `listening <port>` once bound. Usage: node raw-greeter.js <port>
 */
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { type GreeterServer, GreeterService } from '@flotilla/proto';

const MAX_NAME_LENGTH = 256;

const sayHello: GreeterServer['sayHello'] = (call, callback) => {
  const name = call.request.name;
  if (name.length === 0) return callback({ code: status.INVALID_ARGUMENT, details: 'name is required' });
  if ([...name].length > MAX_NAME_LENGTH)
    return callback({ code: status.INVALID_ARGUMENT, details: 'name is too long' });
  callback(null, { message: `Hello ${name}` });
};
const unimplemented = (_call: unknown, callback?: (error: { code: status }) => void) =>
  callback?.({ code: status.UNIMPLEMENTED });

const server = new Server();
server.addService(GreeterService, {
  sayHello,
  sayHelloServerStream: unimplemented,
  sayHelloClientStream: unimplemented,
  sayHelloBidi: unimplemented,
} as GreeterServer);
server.bindAsync(`127.0.0.1:${process.argv[2] ?? '0'}`, ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error(error.message);
    process.exit(1);
  }
  console.log(`listening ${port}`);
});
process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
