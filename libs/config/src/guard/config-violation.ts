/** Why a config value was refused: which key, where in the value, and the schema rule it breaks. */
export interface ConfigViolation {
  /** The config key (the last segment of `flotilla/config/<service>/<key>`). */
  key: string;
  /** JSON pointer into the value, e.g. "/retries" or "/limits/rps"; "" is the whole value. */
  path: string;
  /** The rule broken, e.g. "maximum: must be <= 10", or "json: Unexpected token ..." for malformed JSON. */
  rule: string;
  /** One line naming the key, the path and the rule. */
  message: string;
}

export function violation(key: string, path: string, rule: string): ConfigViolation {
  const where = path === '' ? 'the whole value' : path;
  return { key, path, rule, message: `config key "${key}" is invalid at ${where}: ${rule}` };
}

/** A schema that is not a usable JSON Schema (malformed JSON, not an object, or one ajv cannot compile). */
export class ConfigSchemaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
