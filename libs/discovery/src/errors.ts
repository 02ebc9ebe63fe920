/** Base class for every error this library throws on purpose, so callers can tell them from bugs. */
export class DiscoveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from the caller: an empty service name, an address that is not host:port, and so on. */
export class InvalidArgumentError extends DiscoveryError {}

/** etcd could not be reached within the configured timeout; the message names the endpoints tried. */
export class EtcdUnavailableError extends DiscoveryError {
  constructor(
    message: string,
    readonly endpoints: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * etcd answered but refused us: wrong username or password, auth enabled but no credentials given,
 * or the user may not read the key prefix. Waiting will not help, so start-up fails at once.
 */
export class EtcdAuthError extends DiscoveryError {
  constructor(
    message: string,
    readonly endpoints: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
