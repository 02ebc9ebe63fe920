import type { OnApplicationShutdown } from '@nestjs/common';
import { createDiscovery, type Discovery } from '@flotilla/discovery';
import type { ClientControl } from '@flotilla/rpc';
import type { FlotillaSettings } from '../interfaces/flotilla-settings.interface.js';

/**
 * This application's own connection to the registry (etcd): its registration and its clients'
 * `etcd:///` resolution go through it, not through a process-wide default. Closed last, after
 * the server and the clients.
 */
export class RegistryConnection implements OnApplicationShutdown {
  private readonly tracked = new Set<Pick<ClientControl, '$close' | '$stats'>>();

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
  track(client: Pick<ClientControl, '$close' | '$stats'>): void {
    this.tracked.add(client);
  }

  /** The clients `forClients` made for this application (their `$stats()` feed telemetry). */
  get clients(): readonly Pick<ClientControl, '$stats'>[] {
    return [...this.tracked];
  }

  async onApplicationShutdown(): Promise<void> {
    for (const client of this.tracked) client.$close();
    this.tracked.clear();
    await this.discovery?.close();
  }
}
