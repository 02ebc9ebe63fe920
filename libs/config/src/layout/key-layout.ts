/**
 * Where configuration lives in etcd / flotilla-store. Other tools (the CLI, flotilla-store's write
 * guard) code against this layout, so the names and shapes here are a contract.
 *
 * - `flotilla/config/<service>/<key>`: the key's value as JSON text.
 * - `flotilla/schemas/<service>`: the JSON Schema (draft 2020-12) of the service's whole config object.
 */
export const CONFIG_PREFIX = 'flotilla/config';
export const SCHEMA_PREFIX = 'flotilla/schemas';

/** `flotilla/config/<service>/<key>` */
export function configKey(service: string, key: string): string {
  checkName('service', service);
  checkName('key', key);
  return `${CONFIG_PREFIX}/${service}/${key}`;
}

/** `flotilla/config/<service>/`: every key of one service, for a prefix read or watch. */
export function configServicePrefix(service: string): string {
  checkName('service', service);
  return `${CONFIG_PREFIX}/${service}/`;
}

/** `flotilla/schemas/<service>` */
export function schemaKey(service: string): string {
  checkName('service', service);
  return `${SCHEMA_PREFIX}/${service}`;
}

/**
 * The service and key of a config key, or undefined for anything else (another prefix, a missing
 * service or key, or a key with a further `/`, which no handle reads).
 */
export function parseConfigKey(etcdKey: string): { service: string; key: string } | undefined {
  const rest = stripPrefix(etcdKey, `${CONFIG_PREFIX}/`);
  if (rest === undefined) return undefined;
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const service = rest.slice(0, slash);
  const key = rest.slice(slash + 1);
  if (key === '' || key.includes('/')) return undefined;
  return { service, key };
}

/** The service of a schema key, or undefined for anything else. */
export function parseSchemaKey(etcdKey: string): string | undefined {
  const service = stripPrefix(etcdKey, `${SCHEMA_PREFIX}/`);
  if (service === undefined || service === '' || service.includes('/')) return undefined;
  return service;
}

function stripPrefix(value: string, prefix: string): string | undefined {
  return value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
}

function checkName(what: 'service' | 'key', name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('/')) {
    throw new TypeError(
      `config ${what} name must be a non-empty string without "/", got ${JSON.stringify(name)}`,
    );
  }
}
