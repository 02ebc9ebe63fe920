import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AdaptiveShedder, RegistryConnection, ServiceConfig, ServiceRegistration } from '@flotilla/nest';
import {
  registerClients,
  registerRegistrationState,
  registerShedCounter,
  registerStalenessSource,
  type Unregister,
} from '../metrics/metric-sources.js';
import { activeTelemetry } from '../sdk/start-telemetry.js';

/**
 * Feeds the application's Flotilla parts to the metrics: its injected clients' `$stats()`
 * (breakers, picks, retries, hedges, budget), its registration state, the shedder's count and
 * whether its live config (`forRoot({ config })`) is stale.
 * At shutdown it flushes and stops the telemetry `startTelemetry` started, after the server has
 * stopped, so the last calls' spans are exported before the process exits. Import it next to
 * `FlotillaModule.forRoot` (whose providers it reads).
 */
@Module({})
export class FlotillaTelemetryModule implements OnModuleInit, OnApplicationShutdown {
  private readonly unregister: Unregister[] = [];

  constructor(
    @Inject(RegistryConnection) private readonly connection: RegistryConnection,
    @Inject(ServiceRegistration) private readonly registration: ServiceRegistration,
    @Inject(AdaptiveShedder) private readonly shedder: AdaptiveShedder | null,
    @Inject(ServiceConfig) private readonly config: ServiceConfig | null,
  ) {}

  onModuleInit(): void {
    this.unregister.push(
      registerClients(() => this.connection.clients),
      registerRegistrationState(() => this.registration.registration?.state),
    );
    const shedder = this.shedder;
    if (shedder) this.unregister.push(registerShedCounter(() => shedder.shed));
    const config = this.config;
    if (config) this.unregister.push(registerStalenessSource('config', () => config.isStale));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const unregister of this.unregister.splice(0)) unregister();
    await activeTelemetry()?.shutdown();
  }
}
