import type { Etcd3 } from 'etcd3';
import { validateConfigValue } from '@flotilla/config/guard';
import { CliError, errorMessage, ExitCode } from '../../exit-codes.js';
import { revisionNumber } from '../../output/format.js';
import { withStore } from '../../store/store-client.js';
import type { CommandContext } from '../context.js';
import { configNames } from './config-names.js';
import { type ConfigNames, noSchemaError, readStoredSchema } from './service-lookup.js';

/** How often to re-validate when the schema changes between our check and our write. */
const SCHEMA_RACE_ATTEMPTS = 3;

export interface WriteOptions {
  /** False (`--no-schema`): a service without a published schema may be written, unchecked. */
  requireSchema: boolean;
}

/**
 * `flotilla config set <service> <key> <json>`: checks the value against the service's stored schema
 * here (real etcd cannot), then writes it only if the schema is still the one it was checked against.
 * A service with no schema is refused unless `--no-schema` is given: it is most likely a misspelt
 * name, and nothing would check the value.
 */
export async function configSet(
  ctx: CommandContext,
  service: string,
  key: string,
  valueText: string,
  options: WriteOptions,
): Promise<void> {
  const names = configNames(service, key);
  const etcdKey = names.key ?? '';
  let value: unknown;
  try {
    value = JSON.parse(valueText);
  } catch (error) {
    throw new CliError(
      `malformed JSON value for ${service}/${key}: ${errorMessage(error)}; give JSON, e.g. 42, true, '"text"' or '{"a":1}'`,
      ExitCode.invalid,
    );
  }
  const revision = await withStore(ctx.target, async (client) => {
    for (let attempt = 0; attempt < SCHEMA_RACE_ATTEMPTS; attempt++) {
      const schemaRevision = await checkAgainstSchema(client, names, service, key, valueText, options);
      const res = await client
        .if(names.schema, 'Mod', '==', schemaRevision)
        .then(client.put(etcdKey).value(valueText))
        .commit();
      if (res.succeeded) return revisionNumber(res.header.revision);
    }
    throw new CliError(
      `the schema at ${names.schema} kept changing while ${service}/${key} was being written; nothing was written, retry`,
      ExitCode.failed,
    );
  });
  if (ctx.out.json) ctx.out.jsonLine({ service, key, value, revision });
  else ctx.out.line(`${service}/${key} = ${valueText} (revision ${revision})`);
}

/** Validates against the stored schema; returns the schema's mod revision ("0": none, allowed by --no-schema). */
async function checkAgainstSchema(
  client: Etcd3,
  names: ConfigNames,
  service: string,
  key: string,
  valueText: string,
  options: WriteOptions,
): Promise<string> {
  const stored = await readStoredSchema(client, names);
  if (!stored) {
    if (options.requireSchema) throw await noSchemaError(client, service, names);
    return '0';
  }
  if (!stored.parsed.ok) {
    throw new CliError(
      `the schema at ${names.schema} is unusable (${stored.parsed.reason}); fix or republish it, then retry`,
      ExitCode.failed,
    );
  }
  const violation = validateConfigValue(stored.parsed.schema, key, valueText);
  if (violation) {
    const path = violation.path === '' ? '(the whole value)' : violation.path;
    throw new CliError(
      `schema violation for ${service}/${key}: path ${path}, rule "${violation.rule}" (schema at ${names.schema}); nothing was written, fix the value`,
      ExitCode.invalid,
    );
  }
  return stored.kv.mod_revision;
}
