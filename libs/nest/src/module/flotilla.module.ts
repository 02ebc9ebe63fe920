import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { ServiceShape } from '@flotilla/rpc';
import { clientToken } from '../client/client-token.js';
import { ServiceConfig } from '../config/service-config.js';
import { createServiceClient } from '../client/create-service-client.js';
import type { ClientRegistration } from '../interfaces/client-registration.interface.js';
import type { FlotillaModuleOptions } from '../interfaces/flotilla-module-options.interface.js';
import type { FlotillaSettings } from '../interfaces/flotilla-settings.interface.js';
import { FlotillaLogger } from '../logging/flotilla-logger.js';
import { AdaptiveShedder } from '../server/adaptive-shedder.js';
import { CallGate } from '../server/call-gate.js';
import { FlotillaServer } from '../server/flotilla-server.js';
import { ServingHealth } from '../server/serving-health.js';
import { resolveSettings } from '../settings/resolve-settings.js';
import { FlotillaConfigurableModule, FLOTILLA_MODULE_OPTIONS } from './flotilla-module-definition.js';
import { RegistryConnection } from './registry-connection.js';
import { ServiceLifecycle } from './service-lifecycle.js';
import { ServiceRegistration } from './service-registration.js';
import { type CommandLine, FLOTILLA_COMMAND_LINE, FLOTILLA_CONFIG, FLOTILLA_SETTINGS } from './tokens.js';

const providers: Provider[] = [
  {
    provide: FLOTILLA_SETTINGS,
    useFactory: (options: FlotillaModuleOptions, commandLine: CommandLine | undefined): FlotillaSettings =>
      resolveSettings({
        service: options.service,
        options: options.settings,
        sources: options.settingsSources,
        env: commandLine?.env ?? process.env,
        argv: commandLine?.argv ?? [],
      }),
    inject: [FLOTILLA_MODULE_OPTIONS, { token: FLOTILLA_COMMAND_LINE, optional: true }],
  },
  {
    provide: FlotillaLogger,
    useFactory: (settings: FlotillaSettings, options: FlotillaModuleOptions) =>
      new FlotillaLogger({ service: settings.service, level: settings.logLevel, mixin: options.logMixin }),
    inject: [FLOTILLA_SETTINGS, FLOTILLA_MODULE_OPTIONS],
  },
  {
    provide: RegistryConnection,
    useFactory: (settings: FlotillaSettings) => RegistryConnection.open(settings),
    inject: [FLOTILLA_SETTINGS],
  },
  { provide: ServingHealth, useFactory: () => new ServingHealth() },
  {
    provide: ServiceConfig,
    useFactory: (
      settings: FlotillaSettings,
      options: FlotillaModuleOptions,
      logger: FlotillaLogger,
      health: ServingHealth,
    ) =>
      options.config
        ? ServiceConfig.open(settings, options.config, logger.pino.child({ context: 'config' }), health)
        : null,
    inject: [FLOTILLA_SETTINGS, FLOTILLA_MODULE_OPTIONS, FlotillaLogger, ServingHealth],
  },
  {
    provide: FLOTILLA_CONFIG,
    // null without `config`: Nest builds every provider, injected or not.
    useFactory: (config: ServiceConfig | null) => config?.handle ?? null,
    inject: [ServiceConfig],
  },
  {
    provide: AdaptiveShedder,
    useFactory: (settings: FlotillaSettings) =>
      settings.shedding ? new AdaptiveShedder({ cpuThreshold: settings.shedCpuThreshold }) : null,
    inject: [FLOTILLA_SETTINGS],
  },
  {
    provide: CallGate,
    useFactory: (settings: FlotillaSettings, logger: FlotillaLogger, shedder: AdaptiveShedder | null) =>
      new CallGate(settings.service, logger.pino.child({ context: 'calls' }), shedder ?? undefined),
    inject: [FLOTILLA_SETTINGS, FlotillaLogger, AdaptiveShedder],
  },
  {
    provide: ServiceRegistration,
    useFactory: (
      settings: FlotillaSettings,
      connection: RegistryConnection,
      logger: FlotillaLogger,
      options: FlotillaModuleOptions,
    ) =>
      new ServiceRegistration(
        settings,
        connection,
        logger.pino.child({ context: 'registration' }),
        options.version,
      ),
    inject: [FLOTILLA_SETTINGS, RegistryConnection, FlotillaLogger, FLOTILLA_MODULE_OPTIONS],
  },
  {
    provide: ServiceLifecycle,
    useFactory: (
      settings: FlotillaSettings,
      health: ServingHealth,
      registration: ServiceRegistration,
      logger: FlotillaLogger,
    ) => new ServiceLifecycle(settings, health, registration, logger.pino.child({ context: 'lifecycle' })),
    inject: [FLOTILLA_SETTINGS, ServingHealth, ServiceRegistration, FlotillaLogger],
  },
  {
    provide: FlotillaServer,
    useFactory: (
      settings: FlotillaSettings,
      options: FlotillaModuleOptions,
      logger: FlotillaLogger,
      health: ServingHealth,
      gate: CallGate,
      shedder: AdaptiveShedder | null,
      lifecycle: ServiceLifecycle,
    ) =>
      new FlotillaServer({
        host: settings.host,
        port: settings.port,
        schemas: options.schemas ?? [],
        logger: logger.pino.child({ context: 'server' }),
        health,
        gate,
        shedder: shedder ?? undefined,
        lifecycle,
        serverOptions: options.serverOptions,
        callHooks: options.serverCallHooks,
      }),
    inject: [
      FLOTILLA_SETTINGS,
      FLOTILLA_MODULE_OPTIONS,
      FlotillaLogger,
      ServingHealth,
      CallGate,
      AdaptiveShedder,
      ServiceLifecycle,
    ],
  },
];

/**
 * Makes a Nest application a Flotilla service: `FlotillaModule.forRoot({ service: 'greeter',
 * schemas: [greeterSchema] })` (or `forRootAsync`) provides the transport (FlotillaServer), its
 * settings, JSON logger, registry connection, registration and graceful shutdown;
 * `FlotillaModule.forClients([...])` provides clients for `@InjectClient`. Start it with
 * `runMicroservice(AppModule)`.
 */
@Module({
  providers,
  exports: [
    FLOTILLA_MODULE_OPTIONS,
    FLOTILLA_SETTINGS,
    FlotillaLogger,
    RegistryConnection,
    ServingHealth,
    FlotillaServer,
    ServiceRegistration,
    ServiceConfig,
    FLOTILLA_CONFIG,
    AdaptiveShedder,
  ],
})
export class FlotillaModule extends FlotillaConfigurableModule {
  /**
   * Typed, discovery-backed @flotilla/rpc clients for `@InjectClient(Definition)`, calling through
   * this application's own registry connection (needs `FlotillaModule.forRoot` in the app).
   */
  static forClients(clients: readonly ClientRegistration<ServiceShape>[]): DynamicModule {
    const clientProviders: Provider[] = clients.map((registration) => ({
      provide: clientToken(registration.service),
      useFactory: (connection: RegistryConnection, options: FlotillaModuleOptions) =>
        createServiceClient(registration, connection, options.schemas ?? [], options.clientInterceptors),
      inject: [RegistryConnection, FLOTILLA_MODULE_OPTIONS],
    }));
    return {
      module: FlotillaClientsModule,
      providers: clientProviders,
      exports: clientProviders.map((p) => (p as { provide: string }).provide),
    };
  }
}

/** The module `forClients` returns. */
@Module({})
export class FlotillaClientsModule {}
