import { hostname } from 'node:os';
import type { Registration } from '@flotilla/discovery';
import type { Logger } from 'pino';
import type { FlotillaSettings } from '../interfaces/flotilla-settings.interface.js';
import type { ListeningServer } from '../interfaces/server-lifecycle.interface.js';
import { reachableAddress } from '../server/listen-address.js';
import type { RegistryConnection } from './registry-connection.js';

/** Registers the listening instance in the registry, with the address clients can dial. */
export class ServiceRegistration {
  private current: Registration | undefined;

  constructor(
    private readonly settings: FlotillaSettings,
    private readonly connection: RegistryConnection,
    private readonly logger: Logger,
    private readonly version: string | undefined,
  ) {}

  get registration(): Registration | undefined {
    return this.current;
  }

  /** Resolves once the key is in etcd under a live lease; undefined when no registry is configured. */
  async register(server: ListeningServer): Promise<Registration | undefined> {
    const discovery = this.connection.discovery;
    if (!discovery) return undefined;
    const { settings } = this;
    const address = settings.advertise ?? reachableAddress(server.host, server.port);
    let registration: Registration;
    try {
      registration = await discovery.register({
        service: settings.service,
        instanceId: settings.instanceId ?? `${hostname()}-${server.port}-${process.pid}`,
        address,
        ttl: settings.ttl,
        metadata: {
          ...(this.version ? { version: this.version } : {}),
          ...(settings.zone ? { zone: settings.zone } : {}),
          ...(settings.weight ? { weight: settings.weight } : {}),
        },
      });
    } catch (error) {
      throw new Error(`cannot register in etcd: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    this.current = registration;
    const key = registration.key;
    registration.on('state', (state) =>
      this.logger.info({ key, state }, `etcd registration ${state}: ${key}`),
    );
    registration.on('retrying', ({ error, delayMs }) =>
      // The message, not the stack: this repeats every retry for as long as etcd is away.
      this.logger.warn(
        { key, delayMs, code: (error as { code?: unknown }).code },
        `etcd registration retrying in ${delayMs} ms: ${error.message}`,
      ),
    );
    registration.on('keyRestored', () =>
      this.logger.warn({ key }, `etcd key ${key} was deleted from outside; put it back`),
    );
    this.logger.info({ key, address }, `registered in etcd as ${key} (${address})`);
    return registration;
  }
}
