/** The process exit codes, documented in README.md and `flotilla --help`. */
export const ExitCode = {
  ok: 0,
  /** The operation failed or what it names does not exist (unknown service or key, no quorum, deadline). */
  failed: 1,
  /** Bad command line: unknown command or option, missing argument, bad option value. */
  usage: 2,
  /** No endpoint of the store answered. */
  unreachable: 3,
  /** The value was rejected: malformed JSON or a schema violation. */
  invalid: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  operation failed or not found (unknown service/key/member, no quorum, deadline exceeded)
  2  usage error (unknown command or option, missing argument, bad option value)
  3  store unreachable (no endpoint answered)
  4  validation failed (malformed JSON value, schema violation)`;

/** An error meant for the operator: `message` is the one line printed on stderr, naming cause and fix. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
