import { hostname } from 'node:os';
import { parseArgs } from 'node:util';

export interface GreeterConfig {
  host: string;
  port: number;
  /** How long a graceful shutdown waits for in-flight calls before cutting them off. */
  shutdownTimeoutMs: number;
  /** etcd registration; absent means the greeter does not register anywhere. */
  registration?: RegistrationConfig;
}

export interface RegistrationConfig {
  /** etcd client URLs. */
  etcd: string[];
  serviceName: string;
  instanceId: string;
  /** `host:port` clients should dial; defaults to the listen address. */
  advertise: string | undefined;
  /** Lease TTL, whole seconds. */
  ttl: number;
  /** How long to keep serving after deregistering, so clients can drop this instance. */
  drainMs: number;
  zone: string | undefined;
  weight: number | undefined;
}

export const DEFAULT_CONFIG: GreeterConfig = { host: '127.0.0.1', port: 50051, shutdownTimeoutMs: 5000 };

/**
 * Reads the config from command-line flags, then `GREETER_*` environment variables, then defaults.
 * Throws an Error naming the bad flag or variable; the caller prints it and exits non-zero.
 */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): GreeterConfig {
  let values: RegistrationFlags & {
    host?: string;
    port?: string;
    'shutdown-timeout-ms'?: string;
    etcd?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'shutdown-timeout-ms': { type: 'string' },
        etcd: { type: 'string' },
        'instance-id': { type: 'string' },
        'service-name': { type: 'string' },
        advertise: { type: 'string' },
        ttl: { type: 'string' },
        'drain-ms': { type: 'string' },
        zone: { type: 'string' },
        weight: { type: 'string' },
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
  const port = parseInteger(
    'port (--port or GREETER_PORT)',
    values.port ?? env['GREETER_PORT'],
    DEFAULT_CONFIG.port,
    0,
    65535,
  );
  const config: GreeterConfig = {
    host,
    port,
    shutdownTimeoutMs: parseInteger(
      'shutdown timeout (--shutdown-timeout-ms or GREETER_SHUTDOWN_TIMEOUT_MS)',
      values['shutdown-timeout-ms'] ?? env['GREETER_SHUTDOWN_TIMEOUT_MS'],
      DEFAULT_CONFIG.shutdownTimeoutMs,
      0,
      600_000,
    ),
  };
  const etcd = values.etcd ?? env['GREETER_ETCD'];
  if (etcd !== undefined) config.registration = loadRegistration(etcd, values, env, port);
  return config;
}

type RegistrationFlags = {
  'instance-id'?: string;
  'service-name'?: string;
  advertise?: string;
  ttl?: string;
  'drain-ms'?: string;
  zone?: string;
  weight?: string;
};

function loadRegistration(
  etcd: string,
  values: RegistrationFlags,
  env: NodeJS.ProcessEnv,
  port: number,
): RegistrationConfig {
  const endpoints = etcd
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (endpoints.length === 0)
    throw new Error('etcd (--etcd or GREETER_ETCD) must list at least one URL, e.g. http://127.0.0.1:2379');
  const weight = values.weight ?? env['GREETER_WEIGHT'];
  return {
    etcd: endpoints,
    serviceName: values['service-name'] ?? env['GREETER_SERVICE_NAME'] ?? 'greeter',
    instanceId: values['instance-id'] ?? env['GREETER_INSTANCE_ID'] ?? `${hostname()}-${port}-${process.pid}`,
    advertise: values.advertise ?? env['GREETER_ADVERTISE'],
    ttl: parseInteger('ttl (--ttl or GREETER_TTL)', values.ttl ?? env['GREETER_TTL'], 10, 1, 86_400),
    drainMs: parseInteger(
      'drain delay (--drain-ms or GREETER_DRAIN_MS)',
      values['drain-ms'] ?? env['GREETER_DRAIN_MS'],
      1000,
      0,
      600_000,
    ),
    zone: values.zone ?? env['GREETER_ZONE'],
    weight:
      weight === undefined
        ? undefined
        : parseInteger('weight (--weight or GREETER_WEIGHT)', weight, 1, 1, 1_000_000),
  };
}

export const USAGE = `usage: flotilla-greeter [--host 127.0.0.1] [--port 50051] [--shutdown-timeout-ms 5000]
       [--etcd http://127.0.0.1:2379[,...]] [--service-name greeter] [--instance-id ID] [--advertise host:port]
       [--ttl 10] [--drain-ms 1000] [--zone Z] [--weight N]
  With --etcd the greeter registers in etcd once SERVING and deregisters gracefully on SIGTERM/SIGINT.
  environment: GREETER_HOST, GREETER_PORT, GREETER_SHUTDOWN_TIMEOUT_MS, GREETER_ETCD, GREETER_SERVICE_NAME,
    GREETER_INSTANCE_ID, GREETER_ADVERTISE, GREETER_TTL, GREETER_DRAIN_MS, GREETER_ZONE, GREETER_WEIGHT`;

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
