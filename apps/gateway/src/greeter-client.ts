import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { GreeterService, greeterSchema } from '@flotilla/proto';
import { createClient, type ServiceRpcConfig, type TypedClient } from '@flotilla/rpc';

export type GreeterClient = TypedClient<typeof GreeterService, true>;
/** Nest injection token of the greeter client. */
export const GREETER_CLIENT = Symbol.for('flotilla.gateway.greeter-client');

/**
 * How the gateway calls the greeter. SayHello is idempotent (proto option), so a failed attempt
 * is retried on another greeter and a slow one is hedged: a second attempt goes to another greeter
 * after 150 ms without an answer (a stopped or overloaded instance), within a 3 s deadline.
 */
export const GREETER_RPC: ServiceRpcConfig = {
  timeoutMs: 3000,
  hedging: { delayMs: 150, maxAttempts: 3 },
  methods: { SayHello: { hedging: true } },
};

/** The registry connection and the greeter client on it; `close()` releases both. */
export interface GreeterConnection {
  client: GreeterClient;
  close(): Promise<void>;
}

export async function connectGreeter(
  registry: readonly string[],
  service = 'greeter',
): Promise<GreeterConnection> {
  const discovery: Discovery = await createDiscovery({ endpoints: [...registry] });
  const client = createClient(GreeterService, `etcd:///${service}`, {
    discovery,
    serviceName: service,
    schemas: [greeterSchema],
    config: GREETER_RPC,
  });
  return {
    client,
    async close() {
      client.$close();
      await discovery.close();
    },
  };
}
