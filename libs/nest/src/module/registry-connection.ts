import type { OnApplicationShutdown } from '@nestjs/common';
import { createDiscovery, type Discovery } from '@flotilla/discovery';
import type { FlotillaSettings } from '../interfaces/flotilla-settings.interface.js';

/**
 * This application's own connection to the registry (etcd): its registration and its clients'
 * `etcd:///` resolution go through it, not through a process-wide default. Closed last, after
 * the server and the clients.
 */
export class RegistryConnection implements OnApplicationShutdown {
  private readonly clients = new Set<{ $close(): void }>();

  private constructor(readonly discovery: Discovery | undefined) {}

  /** Connects when a registry is configured (failing fast, naming the endpoints), else has none. */
  static async open(settings: FlotillaSettings): Promise<RegistryConnection> {
    if (!settings.registry) return new RegistryConnection(undefined);
    try {
      return new RegistryConnection(await createDiscovery({ endpoints: settings.registry }));
    } catch (error) {
      throw new Error(`cannot register in etcd: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  /** Closes `client` when the application shuts down, before the registry connection. */
  track(client: { $close(): void }): void {
    this.clients.add(client);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const client of this.clients) client.$close();
    this.clients.clear();
    await this.discovery?.close();
  }
}
