import { Etcd3 } from 'etcd3';
import { z } from 'zod';
import { ConfigArgumentError, ConfigError, ConfigValidationError } from '../errors.js';
import { parseConfigSchema } from '../guard/schema-compiler.js';
import { validateConfigValue } from '../guard/validate-config-value.js';
import { configKey, schemaKey } from '../layout/key-layout.js';
import { resolveConnection, type ConfigConnectionOptions } from './connection-options.js';

/** How many times setConfig retries when the schema changes between its read and its write. */
const SCHEMA_RACE_ATTEMPTS = 5;

/**
 * Writes configuration the safe way on any backend: values are checked against the stored schema
 * before writing, and the write only happens if that schema is still the one checked against (a
 * txn comparing its mod revision). Real etcd cannot validate, so this is the check there;
 * flotilla-store checks again on its own.
 */
export class ConfigClient {
  private readonly client: Etcd3;

  constructor(options: ConfigConnectionOptions) {
    this.client = new Etcd3(resolveConnection(options).etcd3);
  }

  /**
   * Stores `value` (any JSON value) as `service`'s `key`, returning the store revision of the write.
   * Throws ConfigValidationError, writing nothing, when the service's schema refuses it.
   */
  async setConfig(service: string, key: string, value: unknown): Promise<number> {
    const target = configKey(service, key);
    const text = JSON.stringify(value);
    if (text === undefined)
      throw new ConfigArgumentError(
        `setConfig(${service}, ${key}): the value must be JSON-serialisable, got ${typeof value}`,
      );
    const schemaAt = schemaKey(service);
    for (let attempt = 1; ; attempt++) {
      const read = await this.client.get(schemaAt).exec();
      const stored = read.kvs[0];
      if (stored) {
        let schema: object;
        try {
          schema = parseConfigSchema(stored.value.toString('utf8'));
        } catch (error) {
          throw new ConfigError(
            `setConfig(${service}, ${key}): the stored schema ${schemaAt} is unusable: ${(error as Error).message}`,
          );
        }
        const broken = validateConfigValue(schema, key, text);
        if (broken) throw new ConfigValidationError(broken);
      }
      const result = await this.client
        .if(schemaAt, 'Mod', '==', stored ? stored.mod_revision : 0)
        .then(this.client.put(target).value(text))
        .commit();
      if (result.succeeded) return Number(result.header.revision);
      if (attempt >= SCHEMA_RACE_ATTEMPTS)
        throw new ConfigError(
          `setConfig(${service}, ${key}): the schema ${schemaAt} kept changing; nothing was written`,
        );
    }
  }

  /**
   * Stores the JSON Schema of `schema` (a zod object, or a JSON Schema object) under
   * flotilla/schemas/<service> if it differs from the stored one. Returns the revision it is stored at.
   */
  async publishSchema(
    service: string,
    schema: z.ZodObject | object,
  ): Promise<{ revision: number; changed: boolean }> {
    const jsonSchema = schema instanceof z.ZodType ? z.toJSONSchema(schema) : schema;
    const text = JSON.stringify(jsonSchema);
    parseConfigSchema(text); // refuse a malformed schema here too, not only on flotilla-store
    const key = schemaKey(service);
    const read = await this.client.get(key).exec();
    const stored = read.kvs[0];
    if (stored && stored.value.toString('utf8') === text)
      return { revision: Number(stored.mod_revision), changed: false };
    const put = await this.client.put(key).value(text).exec();
    return { revision: Number(put.header.revision), changed: true };
  }

  close(): void {
    this.client.close();
  }
}

/** One-shot setConfig: connects, validates against the stored schema, writes, closes. */
export async function setConfig(
  options: ConfigConnectionOptions,
  service: string,
  key: string,
  value: unknown,
): Promise<number> {
  const client = new ConfigClient(options);
  try {
    return await client.setConfig(service, key, value);
  } finally {
    client.close();
  }
}

/** One-shot publishSchema. */
export async function publishSchema(
  options: ConfigConnectionOptions,
  service: string,
  schema: z.ZodObject | object,
): Promise<{ revision: number; changed: boolean }> {
  const client = new ConfigClient(options);
  try {
    return await client.publishSchema(service, schema);
  } finally {
    client.close();
  }
}
