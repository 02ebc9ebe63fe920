import { ConfigSchemaError, parseConfigSchema, parseSchemaKey, SCHEMA_PREFIX } from '@flotilla/config/guard';
import type { Etcd3, IKeyValue } from 'etcd3';
import { CliError, ExitCode } from '../../exit-codes.js';
import type { configNames } from './config-names.js';

export type ConfigNames = ReturnType<typeof configNames>;

/** The schema a service published, as stored. */
export interface StoredSchema {
  kv: IKeyValue;
  /** The parsed schema, or why it cannot be used. */
  parsed: { ok: true; schema: object } | { ok: false; reason: string };
}

/** The service's published schema, or undefined when it has none. */
export async function readStoredSchema(client: Etcd3, names: ConfigNames): Promise<StoredSchema | undefined> {
  const kv = (await client.get(names.schema).exec()).kvs[0];
  if (!kv) return undefined;
  try {
    return { kv, parsed: { ok: true, schema: parseConfigSchema(kv.value.toString('utf8')) } };
  } catch (error) {
    if (!(error instanceof ConfigSchemaError)) throw error;
    return { kv, parsed: { ok: false, reason: error.message } };
  }
}

/** Whether anything is stored under the service's config prefix. */
export async function hasStoredKeys(client: Etcd3, names: ConfigNames): Promise<boolean> {
  return (await client.getAll().prefix(names.prefix).limit(1).keys()).length > 0;
}

/** Services that have published a schema (the ones `config set` accepts), sorted. */
export async function servicesWithSchemas(client: Etcd3): Promise<string[]> {
  const keys = await client.getAll().prefix(`${SCHEMA_PREFIX}/`).keys();
  return keys.flatMap((k) => parseSchemaKey(k) ?? []).sort();
}

/**
 * Refuses a read (get, watch, history) of a service that has neither keys nor a schema: most likely
 * a misspelt name, which would otherwise read as empty or watch forever.
 */
export async function requireKnownService(client: Etcd3, service: string, names: ConfigNames): Promise<void> {
  if ((await readStoredSchema(client, names)) !== undefined) return;
  if (await hasStoredKeys(client, names)) return;
  throw await unknownServiceError(client, service, names);
}

/** A service with neither keys nor a schema (the caller has checked both). */
export async function unknownServiceError(
  client: Etcd3,
  service: string,
  names: ConfigNames,
): Promise<CliError> {
  return new CliError(
    `unknown service "${service}": no keys under ${names.prefix} and no schema at ${names.schema} (${await knownList(client)}); check the name, or start the service once so that it publishes its schema`,
    ExitCode.failed,
  );
}

/** A write (set, del) to a service that has published no schema, without --no-schema. */
export async function noSchemaError(client: Etcd3, service: string, names: ConfigNames): Promise<CliError> {
  return new CliError(
    `unknown service "${service}": no schema at ${names.schema} (${await knownList(client)}); check the name, start the service once so that it publishes its schema, or pass --no-schema to write unchecked`,
    ExitCode.failed,
  );
}

async function knownList(client: Etcd3): Promise<string> {
  const known = await servicesWithSchemas(client);
  return known.length === 0
    ? 'no service has published a schema yet'
    : `services with a schema: ${known.join(', ')}`;
}
