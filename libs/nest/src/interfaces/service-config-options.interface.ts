import type { ConfigSchema } from '@flotilla/config';

/** `FlotillaModule.forRoot({ config })`: the service's live configuration, for `@InjectConfig()`. */
export interface ServiceConfigOptions {
  /** A zod object of named keys, each with a default; values live under `flotilla/config/<service>/`. */
  schema: ConfigSchema;
  /** File holding the last good values, used when the store is unreachable at start-up. */
  cacheFile?: string;
  /** Publish the schema (JSON Schema) under `flotilla/schemas/<service>` at start. Default true. */
  publishSchema?: boolean;
}
