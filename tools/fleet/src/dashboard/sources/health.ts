import { Client, credentials, type ServiceError } from '@grpc/grpc-js';

export type Health = 'serving' | 'not-serving' | 'unreachable';

/** grpc.health.v1.HealthCheckResponse is one enum field: 08 01 is SERVING. */
const SERVING = Buffer.from([0x08, 0x01]);

/**
 * Checks instances' health: gRPC services through grpc.health.v1 (the overall status, service ""),
 * HTTP ones through GET /healthz. One channel per address, kept between polls.
 */
export class HealthProbe {
  private readonly clients = new Map<string, Client>();

  async grpc(address: string, timeoutMs: number): Promise<Health> {
    let client = this.clients.get(address);
    if (!client) {
      client = new Client(address, credentials.createInsecure(), {
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 1000,
      });
      this.clients.set(address, client);
    }
    const c = client;
    return new Promise((resolve) =>
      c.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        // An empty HealthCheckRequest (service "") encodes to no bytes.
        () => Buffer.alloc(0),
        (bytes: Buffer) => bytes,
        {},
        { deadline: Date.now() + timeoutMs },
        (error: ServiceError | null, response?: Buffer) =>
          resolve(error ? 'unreachable' : response?.equals(SERVING) ? 'serving' : 'not-serving'),
      ),
    );
  }

  async http(baseUrl: string, timeoutMs: number): Promise<Health> {
    try {
      const response = await fetch(new URL('/healthz', baseUrl), { signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      return response.ok ? 'serving' : 'not-serving';
    } catch {
      return 'unreachable';
    }
  }

  /** Drops channels to addresses no longer in the fleet. */
  retain(addresses: Iterable<string>): void {
    const keep = new Set(addresses);
    for (const [address, client] of this.clients) {
      if (keep.has(address)) continue;
      client.close();
      this.clients.delete(address);
    }
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
