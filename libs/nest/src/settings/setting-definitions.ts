import { z } from 'zod';
import type { FlotillaSettings, LogLevel } from '../interfaces/flotilla-settings.interface.js';

/** One setting: where it is read from, how it is checked, and its local default. */
export interface SettingDefinition {
  readonly key: keyof FlotillaSettings;
  /** Names it in errors: `port (--port or FLOTILLA_PORT) must be ...`. */
  readonly label: string;
  readonly flag: string;
  /** Commander's value placeholder, e.g. `<port>`. */
  readonly value: string;
  readonly env: string;
  readonly description: string;
  /** What a good value looks like, completing "must be ...". */
  readonly rule: string;
  /** Validates a raw value (a string from a flag or env var, or a typed value from code). */
  readonly schema: z.ZodType;
  readonly fallback: unknown;
}

// A segment of an etcd key (service name, instance id): as @flotilla/discovery accepts them.
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;
const ETCD_URL = /^(https?:\/\/)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}\/?$/;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Flags and env vars hold text; code holds typed values. These accept both. */
const fromText = (parse: (text: string) => unknown) => (raw: unknown) =>
  typeof raw === 'string' ? parse(raw.trim()) : raw;
const toNumber = fromText((text) => (text === '' ? Number.NaN : Number(text)));
const integer = (min: number, max: number) => z.preprocess(toNumber, z.number().int().min(min).max(max));
const text = (pattern?: RegExp) => {
  const base = z.string().trim().min(1);
  return pattern ? base.regex(pattern) : base;
};
const list = (item: z.ZodType) =>
  z.preprocess(
    fromText((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    ),
    z.array(item).min(1),
  );
const boolean = z.preprocess(
  fromText(
    (value) =>
      ({ true: true, on: true, '1': true, false: false, off: false, '0': false })[value.toLowerCase()],
  ),
  z.boolean(),
);

const define = (definition: SettingDefinition): SettingDefinition => definition;

/** Every setting FlotillaModule reads. Env var names are documented in libs/nest/README.md. */
export const SETTING_DEFINITIONS: readonly SettingDefinition[] = [
  define({
    key: 'service',
    label: 'service name',
    flag: '--service-name',
    value: '<name>',
    env: 'FLOTILLA_SERVICE_NAME',
    description: 'name to register under (FlotillaModule.forRoot gives the default)',
    rule: 'letters, digits, ".", "_", "-", ":", "@" (no "/")',
    schema: text(SEGMENT),
    fallback: undefined,
  }),
  define({
    key: 'host',
    label: 'host',
    flag: '--host',
    value: '<host>',
    env: 'FLOTILLA_HOST',
    description: 'listen host; 0.0.0.0 or :: listen everywhere and register a reachable address',
    rule: 'a host name or IP address',
    schema: text(/^[A-Za-z0-9.:-]+$/),
    fallback: '127.0.0.1',
  }),
  define({
    key: 'port',
    label: 'port',
    flag: '--port',
    value: '<port>',
    env: 'FLOTILLA_PORT',
    description: 'listen port; 0 picks a free port (and registers it)',
    rule: 'an integer from 0 to 65535',
    schema: integer(0, 65535),
    fallback: 50051,
  }),
  define({
    key: 'registry',
    label: 'registry',
    flag: '--registry',
    value: '<urls>',
    env: 'FLOTILLA_REGISTRY',
    description: 'etcd endpoints to register in, comma-separated (none: do not register)',
    rule: 'a comma-separated list of etcd URLs like http://127.0.0.1:2379',
    schema: list(z.string().regex(ETCD_URL)),
    fallback: undefined,
  }),
  define({
    key: 'instanceId',
    label: 'instance id',
    flag: '--instance-id',
    value: '<id>',
    env: 'FLOTILLA_INSTANCE_ID',
    description: 'registered instance id (default <hostname>-<port>-<pid>)',
    rule: 'letters, digits, ".", "_", "-", ":", "@" (no "/")',
    schema: text(SEGMENT),
    fallback: undefined,
  }),
  define({
    key: 'advertise',
    label: 'advertised address',
    flag: '--advertise',
    value: '<host:port>',
    env: 'FLOTILLA_ADVERTISE',
    description: 'address clients should dial, if not the listen address',
    rule: 'host:port',
    schema: text(HOST_PORT),
    fallback: undefined,
  }),
  define({
    key: 'ttl',
    label: 'ttl',
    flag: '--ttl',
    value: '<seconds>',
    env: 'FLOTILLA_TTL',
    description: 'registration lease TTL in seconds',
    rule: 'an integer from 1 to 86400',
    schema: integer(1, 86_400),
    fallback: 10,
  }),
  define({
    key: 'drainMs',
    label: 'drain delay',
    flag: '--drain-ms',
    value: '<ms>',
    env: 'FLOTILLA_DRAIN_MS',
    description: 'how long to keep serving after deregistering, so that clients drop this instance',
    rule: 'an integer from 0 to 600000',
    schema: integer(0, 600_000),
    fallback: 1000,
  }),
  define({
    key: 'shutdownTimeoutMs',
    label: 'shutdown timeout',
    flag: '--shutdown-timeout-ms',
    value: '<ms>',
    env: 'FLOTILLA_SHUTDOWN_TIMEOUT_MS',
    description: 'how long in-flight calls may take to finish at shutdown before they are cancelled',
    rule: 'an integer from 0 to 600000',
    schema: integer(0, 600_000),
    fallback: 5000,
  }),
  define({
    key: 'logLevel',
    label: 'log level',
    flag: '--log-level',
    value: '<level>',
    env: 'FLOTILLA_LOG_LEVEL',
    description: `JSON log level: ${LOG_LEVELS.join(', ')}`,
    rule: `one of ${LOG_LEVELS.join(', ')}`,
    schema: z.preprocess(
      fromText((value) => value.toLowerCase()),
      z.enum(LOG_LEVELS),
    ),
    fallback: 'info',
  }),
  define({
    key: 'zone',
    label: 'zone',
    flag: '--zone',
    value: '<zone>',
    env: 'FLOTILLA_ZONE',
    description: 'zone registered in the instance metadata',
    rule: 'a non-empty string',
    schema: text(),
    fallback: undefined,
  }),
  define({
    key: 'weight',
    label: 'weight',
    flag: '--weight',
    value: '<n>',
    env: 'FLOTILLA_WEIGHT',
    description: 'load-balancing weight registered in the instance metadata',
    rule: 'an integer from 1 to 1000000',
    schema: integer(1, 1_000_000),
    fallback: undefined,
  }),
  define({
    key: 'shedding',
    label: 'load shedding',
    flag: '--shedding',
    value: '<on|off>',
    env: 'FLOTILLA_SHEDDING',
    description: 'adaptive load shedding: reject excess calls with RESOURCE_EXHAUSTED when saturated',
    rule: 'on, off, true, false, 1 or 0',
    schema: boolean,
    fallback: true,
  }),
  define({
    key: 'shedCpuThreshold',
    label: 'shedding threshold',
    flag: '--shed-cpu-threshold',
    value: '<0..1>',
    env: 'FLOTILLA_SHED_CPU_THRESHOLD',
    description: 'event-loop utilisation above which excess calls are shed',
    rule: 'a number from 0.05 to 1',
    schema: z.preprocess(toNumber, z.number().min(0.05).max(1)),
    fallback: 0.9,
  }),
];
