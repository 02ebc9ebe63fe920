import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { GreeterService, greeterSchema } from '@flotilla/proto';
import { createClient, type ServiceRpcConfig, type TypedClient } from '@flotilla/rpc';
import { clientTracingInterceptor, registerClient } from '@flotilla/telemetry';

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

/**
 * The registry connection and the greeter client on it; `close()` releases both. Each call is a
 * CLIENT span (a child of the HTTP request's span) that carries the trace to the greeter, and the
 * client's `$stats()` feed the metrics (breakers, picks, retries, hedges); both record only once
 * main.ts has started telemetry.
 */
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
    interceptors: [clientTracingInterceptor()],
  });
  const unregisterMetrics = registerClient(client);
  return {
    client,
    async close() {
      unregisterMetrics();
      client.$close();
      await discovery.close();
    },
  };
}
