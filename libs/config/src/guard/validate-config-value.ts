import { violation, type ConfigViolation } from './config-violation.js';
import { compileConfigSchema, type ErrorObject } from './schema-compiler.js';

/**
 * Checks one key's value (JSON text) against a service's whole-object schema. Returns the first
 * violation, or undefined when the value is acceptable. Malformed JSON breaks rule "json"; a key the
 * schema does not list breaks "additionalProperties" when the schema forbids unknown keys.
 * Throws ConfigSchemaError when the schema itself is unusable.
 */
export function validateConfigValue(
  schema: object,
  key: string,
  valueText: string,
): ConfigViolation | undefined {
  let value: unknown;
  try {
    value = JSON.parse(valueText);
  } catch (error) {
    return violation(key, '', `json: ${(error as Error).message}`);
  }
  const validate = compileConfigSchema(schema);
  if (validate({ [key]: value })) return undefined;
  const error = validate.errors?.[0];
  if (!error) return violation(key, '', 'schema: rejected');
  return fromAjvError(key, error);
}

/** Checks many keys with one schema; holds the schema so callers need not pass it around. */
export class ConfigGuard {
  constructor(readonly schema: object) {
    compileConfigSchema(schema); // fail now on a bad schema, not at the first value
  }

  validate(key: string, valueText: string): ConfigViolation | undefined {
    return validateConfigValue(this.schema, key, valueText);
  }
}

function fromAjvError(key: string, error: ErrorObject): ConfigViolation {
  const ownPrefix = `/${escapePointer(key)}`;
  // The validated object is `{ [key]: value }`: strip the key so the path points into the value.
  let path = error.instancePath.startsWith(ownPrefix)
    ? error.instancePath.slice(ownPrefix.length)
    : error.instancePath;
  let rule = `${error.keyword}: ${error.message ?? 'failed'}`;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    const extra = params['additionalProperty'];
    if (error.instancePath === '') {
      // The key itself is unknown to the schema.
      return violation(key, '', `${rule} ("${key}" is not a key of this service's schema)`);
    }
    path = `${path}/${escapePointer(extra)}`;
    rule = `${rule} ("${extra}")`;
  }
  return violation(key, path, rule);
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
