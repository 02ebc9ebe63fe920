import type { ConfigViolation } from './guard/config-violation.js';

/** Base class of the errors this library throws on purpose. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from the caller: a schema without defaults, an unknown key, bad connection options. */
export class ConfigArgumentError extends ConfigError {}

/** setConfig refused a value that breaks the service's stored schema; nothing was written. */
export class ConfigValidationError extends ConfigError {
  constructor(readonly violation: ConfigViolation) {
    super(violation.message);
  }
}
