import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { ConfigSchemaError } from './config-violation.js';

/**
 * One ajv instance for every schema. `addUsedSchema: false` keeps schemas with the same `$id` from
 * colliding; formats are not checked (zod also emits a `pattern` for the common ones).
 */
const ajv = new Ajv2020({ strict: false, allErrors: false, addUsedSchema: false, validateFormats: false });

/** Compiled validators by schema text: a service's schema changes rarely, values are checked often. */
const cache = new Map<string, ValidateFunction>();
const CACHE_LIMIT = 256;

/**
 * A validator for a partial config object: the schema with the root `required` list dropped, so one
 * key can be checked on its own (`{ [key]: value }`) while `$defs`/`$ref` and `additionalProperties`
 * at the root still apply.
 */
export function compileConfigSchema(schema: object, text = JSON.stringify(schema)): ValidateFunction {
  const hit = cache.get(text);
  if (hit) return hit;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new ConfigSchemaError(`config schema must be a JSON object, got ${describe(schema)}`);
  }
  const partial: Record<string, unknown> = { ...schema };
  delete partial['required'];
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(partial);
  } catch (error) {
    throw new ConfigSchemaError(
      `config schema is not a valid JSON Schema (draft 2020-12): ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(text, validate);
  return validate;
}

/** Parses and compiles schema text (as stored under flotilla/schemas/<service>); throws ConfigSchemaError. */
export function parseConfigSchema(text: string): object {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new ConfigSchemaError(`config schema is not JSON: ${(error as Error).message}`, { cause: error });
  }
  compileConfigSchema(schema as object, text);
  return schema as object;
}

export type { ErrorObject };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
