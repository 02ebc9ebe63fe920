import type { BeforeApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { GracefulDeregistration } from '@flotilla/discovery';
import type { Logger } from 'pino';
import type { FlotillaSettings } from '../interfaces/flotilla-settings.interface.js';
import type { ListeningServer, ServerLifecycle } from '../interfaces/server-lifecycle.interface.js';
import type { ServingHealth } from '../server/serving-health.js';
import type { ServiceRegistration } from './service-registration.js';

/**
 * Start-up and shutdown order of the instance.
 *
 * Start: listen, register, then SERVING (so health never says SERVING for an instance nobody can
 * find, and nobody finds an instance that is not listening).
 *
 * Shutdown, through Nest's hooks (`enableShutdownHooks`) or `app.close()`: NOT_SERVING, revoke
 * the registration, wait the drain delay while clients drop this endpoint, let in-flight calls
 * finish up to the shutdown timeout, close. `onModuleDestroy` runs the first two steps (Nest runs
 * it first), `beforeApplicationShutdown` the rest; `app.close()` closes the transport first, which
 * runs them all. Each step runs once whichever comes first.
 */
export class ServiceLifecycle implements ServerLifecycle, OnModuleDestroy, BeforeApplicationShutdown {
  private server: ListeningServer | undefined;
  private sequence: GracefulDeregistration | undefined;

  constructor(
    private readonly settings: FlotillaSettings,
    private readonly health: ServingHealth,
    private readonly registration: ServiceRegistration,
    private readonly logger: Logger,
  ) {}

  async started(server: ListeningServer): Promise<void> {
    this.server = server;
    this.logger.info({ address: server.address }, `listening on ${server.address}`);
    await this.registration.register(server);
    this.health.setServing(true);
    this.logger.info('SERVING');
  }

  stop(): Promise<void> {
    return this.shutdown().closeServer();
  }

  async onModuleDestroy(): Promise<void> {
    await this.shutdown().deregister();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.shutdown().closeServer();
  }

  private shutdown(): GracefulDeregistration {
    this.sequence ??= new GracefulDeregistration({
      markNotServing: () => this.health.setServing(false),
      registration: this.registration.registration,
      // Only clients that found us in the registry need time to drop us.
      drainMs: this.registration.registration ? this.settings.drainMs : 0,
      closeServer: async () => {
        if (!this.server) return;
        const { cancelled } = await this.server.close(this.settings.shutdownTimeoutMs);
        if (cancelled > 0)
          this.logger.warn(
            `${cancelled} calls did not finish within ${this.settings.shutdownTimeoutMs} ms and were cancelled`,
          );
      },
      onStep: (step, detail) => this.logger.info({ step }, `shutdown ${step}: ${detail}`),
    });
    return this.sequence;
  }
}
