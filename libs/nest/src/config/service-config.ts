import type { OnApplicationShutdown } from '@nestjs/common';
import { type ConfigHandle, defineConfig } from '@flotilla/config';
import type { Logger } from 'pino';
import type { FlotillaSettings } from '../interfaces/flotilla-settings.interface.js';
import type { ServiceConfigOptions } from '../interfaces/service-config-options.interface.js';
import type { ServingHealth } from '../server/serving-health.js';

/** The health entry that reports the config's freshness: SERVING while it is live, NOT_SERVING while stale. */
export const CONFIG_HEALTH_SERVICE = 'flotilla.config';

/**
 * The service's live configuration (@flotilla/config), from the registry's store: started before
 * the providers that inject it are built, so handlers read stored values from their first call;
 * closed at shutdown. Stale config does not take the instance out of service (it keeps answering
 * with the last good values); its `flotilla.config` health entry says so, as do the logs and the
 * telemetry's staleness metric. Without a registry the handle is offline: cache file or defaults.
 */
export class ServiceConfig implements OnApplicationShutdown {
  private constructor(readonly handle: ConfigHandle<Record<string, unknown>>) {}

  static async open(
    settings: FlotillaSettings,
    options: ServiceConfigOptions,
    logger: Logger,
    health: ServingHealth,
  ): Promise<ServiceConfig> {
    const handle = defineConfig(settings.service, options.schema, {
      endpoints: settings.registry ?? [],
      offline: settings.registry === undefined,
      cacheFile: options.cacheFile,
      publishSchema: options.publishSchema,
      logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m) },
    });
    const report = () => health.setStatus(CONFIG_HEALTH_SERVICE, !handle.isStale());
    handle.on('stale', report).on('fresh', report);
    await handle.start();
    report();
    return new ServiceConfig(handle as ConfigHandle<Record<string, unknown>>);
  }

  get isStale(): boolean {
    return this.handle.isStale();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.handle.close();
  }
}
