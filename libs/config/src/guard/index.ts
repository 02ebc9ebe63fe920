/**
 * The light entry of @flotilla/config (`@flotilla/config/guard`): the key layout and value/schema
 * validation, with ajv as its only dependency, so that flotilla-store and tools can use it without
 * pulling in etcd3 or zod.
 */
export {
  CONFIG_PREFIX,
  SCHEMA_PREFIX,
  configKey,
  configServicePrefix,
  schemaKey,
  parseConfigKey,
  parseSchemaKey,
} from '../layout/key-layout.js';
export { ConfigSchemaError, type ConfigViolation } from './config-violation.js';
export { ConfigGuard, validateConfigValue } from './validate-config-value.js';
export { parseConfigSchema } from './schema-compiler.js';
