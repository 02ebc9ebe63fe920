export * from './guard/index.js';
export { ConfigError, ConfigArgumentError, ConfigValidationError } from './errors.js';
export type { ConfigConnectionOptions } from './client/connection-options.js';
export { ConfigClient, setConfig, publishSchema } from './client/config-client.js';
export {
  ConfigHandle,
  defineConfig,
  type ConfigEvents,
  type ConfigLogger,
  type ConfigSource,
  type DefineConfigOptions,
} from './handle/config-handle.js';
export type { ConfigChange, ConfigInvalid } from './handle/config-state.js';
export type { ConfigSchema } from './handle/service-schema.js';
