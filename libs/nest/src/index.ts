// Nest's decorators read and write design-time metadata: load the polyfill before any of them run.
import 'reflect-metadata';

// Module
export { FlotillaModule, FlotillaClientsModule } from './module/flotilla.module.js';
export {
  FLOTILLA_MODULE_OPTIONS,
  FLOTILLA_OPTIONS_TYPE,
  FLOTILLA_ASYNC_OPTIONS_TYPE,
} from './module/flotilla-module-definition.js';
export {
  FLOTILLA_SETTINGS,
  FLOTILLA_COMMAND_LINE,
  FLOTILLA_CONFIG,
  type CommandLine,
} from './module/tokens.js';
export { ServiceConfig, CONFIG_HEALTH_SERVICE } from './config/service-config.js';
export { RegistryConnection } from './module/registry-connection.js';
export { ServiceRegistration } from './module/service-registration.js';
export { ServiceLifecycle } from './module/service-lifecycle.js';
export { runMicroservice, type RunOptions } from './bootstrap/run-microservice.js';
export { createMicroservice, type MicroserviceOptions } from './bootstrap/create-microservice.js';

// Decorators
export { RpcController } from './decorators/rpc-controller.decorator.js';
export { InjectClient } from './decorators/inject-client.decorator.js';
export { InjectConfig } from './decorators/inject-config.decorator.js';

// Interfaces
export type { FlotillaModuleOptions } from './interfaces/flotilla-module-options.interface.js';
export type {
  FlotillaSettings,
  FlotillaSettingsInput,
  LogLevel,
} from './interfaces/flotilla-settings.interface.js';
export type { SettingsSource } from './interfaces/settings-source.interface.js';
export type { ServiceConfigOptions } from './interfaces/service-config-options.interface.js';
export type { CallContext } from './interfaces/call-context.interface.js';
export type {
  ServiceHandlers,
  HandlerOf,
  UnaryHandler,
  ServerStreamHandler,
  ClientStreamHandler,
  BidiStreamHandler,
} from './interfaces/service-handlers.interface.js';
export type { ClientRegistration } from './interfaces/client-registration.interface.js';
export type { FlotillaClient } from './interfaces/flotilla-client.interface.js';
export type { ListeningServer, ServerLifecycle } from './interfaces/server-lifecycle.interface.js';

// Server
export { FlotillaServer, type FlotillaServerOptions } from './server/flotilla-server.js';
export { FLOTILLA_TRANSPORT } from './server/transport-id.js';
export { ServingHealth } from './server/serving-health.js';
export { AdaptiveShedder, type AdaptiveShedderOptions } from './server/adaptive-shedder.js';
export { CallGate } from './server/call-gate.js';
export { errorStatus, type ErrorStatus } from './server/error-status.js';
export { reachableAddress, formatHostPort } from './server/listen-address.js';

// Client
export { clientToken } from './client/client-token.js';

// Errors, settings, logging
export {
  RpcStatusError,
  ValidationError,
  NotFoundError,
  type RpcStatusErrorOptions,
} from './errors/rpc-status-error.js';
export { SettingsError, UsageRequested } from './settings/settings-errors.js';
export { resolveSettings, type SettingsInputs } from './settings/resolve-settings.js';
export { SETTING_DEFINITIONS, type SettingDefinition } from './settings/setting-definitions.js';
export { FlotillaLogger, type FlotillaLoggerOptions } from './logging/flotilla-logger.js';
