import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { type GrpcOptions, Transport } from '@nestjs/microservices';
import { protoFile } from '@flotilla/proto';
import type { GreeterConfig } from './config.js';

export const GREETER_SERVICE = 'helloworld.v1.Greeter';

/**
 * Nest's gRPC transport options for the greeter. Besides Greeter itself the server carries the
 * standard health service (grpc.health.v1) and server reflection, so grpcurl, grpc_health_probe
 * and other off-the-shelf tools work against it.
 */
export function greeterGrpcOptions(config: GreeterConfig, health: HealthImplementation): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      url: formatHostPort(config.host, config.port),
      package: 'helloworld.v1',
      protoPath: protoFile('helloworld/v1/greeter.proto'),
      gracefulShutdown: true,
      loader: { keepCase: false, longs: Number, defaults: true },
      onLoadPackageDefinition: (definition: PackageDefinition, server: Server) => {
        new ReflectionService(definition).addToServer(server);
        health.addToServer(server);
      },
    },
  };
}

/** A health service that reports SERVING for the server as a whole ('') and for Greeter. */
export function createHealth(): HealthImplementation {
  return new HealthImplementation({ '': 'NOT_SERVING', [GREETER_SERVICE]: 'NOT_SERVING' });
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
