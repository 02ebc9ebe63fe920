import { parseArgs } from 'node:util';

export interface GreeterConfig {
  host: string;
  port: number;
  /** How long a graceful shutdown waits for in-flight calls before cutting them off. */
  shutdownTimeoutMs: number;
}

export const DEFAULT_CONFIG: GreeterConfig = { host: '127.0.0.1', port: 50051, shutdownTimeoutMs: 5000 };

/**
 * Reads the config from command-line flags, then `GREETER_*` environment variables, then defaults.
 * Throws an Error naming the bad flag or variable; the caller prints it and exits non-zero.
 */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): GreeterConfig {
  let values: { host?: string; port?: string; 'shutdown-timeout-ms'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'shutdown-timeout-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) throw new UsageRequested();
  const host = values.host ?? env['GREETER_HOST'] ?? DEFAULT_CONFIG.host;
  if (host.trim() === '') throw new Error('host must not be empty (--host or GREETER_HOST)');
  return {
    host,
    port: parseInteger(
      'port (--port or GREETER_PORT)',
      values.port ?? env['GREETER_PORT'],
      DEFAULT_CONFIG.port,
      0,
      65535,
    ),
    shutdownTimeoutMs: parseInteger(
      'shutdown timeout (--shutdown-timeout-ms or GREETER_SHUTDOWN_TIMEOUT_MS)',
      values['shutdown-timeout-ms'] ?? env['GREETER_SHUTDOWN_TIMEOUT_MS'],
      DEFAULT_CONFIG.shutdownTimeoutMs,
      0,
      600_000,
    ),
  };
}

export const USAGE = `usage: flotilla-greeter [--host 127.0.0.1] [--port 50051] [--shutdown-timeout-ms 5000]
  environment: GREETER_HOST, GREETER_PORT, GREETER_SHUTDOWN_TIMEOUT_MS`;

export class UsageRequested extends Error {
  constructor() {
    super(USAGE);
  }
}

function parseInteger(
  what: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${what} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}
