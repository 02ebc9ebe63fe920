import { status } from '@grpc/grpc-js';
import { z } from 'zod';

/** Load-balancing policies a service can choose; each is a registered grpc-js LB type. */
export type PolicyName = 'p2c_ewma' | 'round_robin' | 'weighted';

/** A gRPC status code by name, e.g. `'UNAVAILABLE'`. */
export type StatusName = Exclude<keyof typeof status, number>;

export interface BreakerConfig {
  /** false turns breakers off for the service. Default true. */
  enabled?: boolean;
  /** Open when the counted-error percentage in the window exceeds this. Default 50. */
  errorThresholdPercentage?: number;
  /** No opening before this many attempts in the window. Default 10. */
  volumeThreshold?: number;
  /** Rolling statistics window. Default 10000 ms. */
  windowMs?: number;
  /** Buckets in the window. Default 10; must divide windowMs. */
  windowBuckets?: number;
  /** How long an open breaker waits before letting one half-open probe through. Default 5000 ms. */
  resetTimeoutMs?: number;
}

export interface RetryConfig {
  /** Attempts per call, first included, for idempotent methods. Default 4 (1 means no retries). */
  maxAttempts?: number;
  /** First backoff; each retry waits a random time up to the current backoff. Default 10 ms. */
  initialBackoffMs?: number;
  /** Backoff cap. Default 200 ms. */
  maxBackoffMs?: number;
  /** Backoff growth per retry. Default 2. */
  backoffMultiplier?: number;
  /** Status codes worth retrying for idempotent methods, by name. Default ['UNAVAILABLE']. */
  retryableCodes?: StatusName[];
}

/** gRPC `retryThrottling`: a token bucket shared by every call of one client. */
export interface RetryBudgetConfig {
  /** Bucket size; retries stop while tokens <= maxTokens / 2. Default 100. */
  maxTokens?: number;
  /** Tokens a successful attempt puts back (a failed attempt takes 1). Default 0.1. */
  tokenRatio?: number;
}

export interface HedgingConfig {
  /** Send another attempt if none has answered after this long. Default 50 ms. */
  delayMs?: number;
  /** Attempts in flight at most, the first included. Default 2. */
  maxAttempts?: number;
}

export interface EwmaConfig {
  /** Time constant of the latency EWMA. Default 10000 ms (go-zero's decay time). */
  decayMs?: number;
  /** Time constant of the error penalty. Default 5000 ms. */
  penaltyDecayMs?: number;
  /** How much one (undecayed) error multiplies an endpoint's cost by, beyond 1. Default 4. */
  penaltyWeight?: number;
}

export interface MethodConfig {
  /** Default deadline for calls of this method (streams included). */
  timeoutMs?: number;
  /** Overrides the .proto `idempotency_level`. */
  idempotent?: boolean;
  /** Hedge this (idempotent, unary) method. Default false. */
  hedging?: boolean;
}

/** Per-service client configuration, e.g. `{ greeter: { policy: 'p2c_ewma', timeoutMs: 2000 } }`. */
export interface ServiceRpcConfig {
  policy?: PolicyName;
  /** Default deadline of every unary call. Default 10000 ms. Streams have none unless their method sets one. */
  timeoutMs?: number;
  breaker?: BreakerConfig;
  retry?: RetryConfig;
  retryBudget?: RetryBudgetConfig;
  hedging?: HedgingConfig;
  ewma?: EwmaConfig;
  /** Keyed by the method's proto name (`SayHello`) or its ts-proto name (`sayHello`). */
  methods?: Record<string, MethodConfig>;
}

export interface ResolvedRetryConfig extends Required<Omit<RetryConfig, 'retryableCodes'>> {
  retryableCodes: status[];
}

export interface ResolvedRpcConfig {
  service: string;
  policy: PolicyName;
  timeoutMs: number;
  breaker: Required<BreakerConfig>;
  retry: ResolvedRetryConfig;
  retryBudget: Required<RetryBudgetConfig>;
  hedging: Required<HedgingConfig>;
  ewma: Required<EwmaConfig>;
  methods: Record<string, MethodConfig>;
}

export const DEFAULT_RPC_CONFIG: Omit<ResolvedRpcConfig, 'service'> = {
  policy: 'p2c_ewma',
  timeoutMs: 10_000,
  breaker: {
    enabled: true,
    errorThresholdPercentage: 50,
    volumeThreshold: 10,
    windowMs: 10_000,
    windowBuckets: 10,
    resetTimeoutMs: 5_000,
  },
  retry: {
    maxAttempts: 4,
    initialBackoffMs: 10,
    maxBackoffMs: 200,
    backoffMultiplier: 2,
    retryableCodes: [status.UNAVAILABLE],
  },
  retryBudget: { maxTokens: 100, tokenRatio: 0.1 },
  hedging: { delayMs: 50, maxAttempts: 2 },
  ewma: { decayMs: 10_000, penaltyDecayMs: 5_000, penaltyWeight: 4 },
  methods: {},
};

/** Thrown for a bad configuration value; the message names the service, the key and the value. */
export class RpcConfigError extends Error {
  override name = 'RpcConfigError';
}

export const STATUS_NAMES = Object.keys(status).filter((key) => Number.isNaN(Number(key))) as StatusName[];
const POLICIES = ['p2c_ewma', 'round_robin', 'weighted'] as const;

const number = (min: number, max: number) => {
  const error = `must be a number from ${min} to ${max}`;
  return z.number({ error }).min(min, { error }).max(max, { error }).optional();
};
const integer = (min: number, max: number) => {
  const error = `must be an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error }).optional();
};
const flag = z.boolean({ error: 'must be true or false' }).optional();
const section = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape, { error: 'must be an object' }).optional();

const methodSchema = z.strictObject(
  { timeoutMs: number(1, 86_400_000), idempotent: flag, hedging: flag },
  { error: 'must be an object' },
);

const configSchema = z.strictObject(
  {
    policy: z.enum(POLICIES, { error: `must be one of ${POLICIES.join(', ')}` }).optional(),
    timeoutMs: number(1, 86_400_000),
    breaker: section({
      enabled: flag,
      errorThresholdPercentage: number(1, 100),
      volumeThreshold: integer(0, 1_000_000),
      windowMs: integer(10, 3_600_000),
      windowBuckets: integer(1, 1000),
      resetTimeoutMs: integer(1, 3_600_000),
    }),
    retry: section({
      maxAttempts: integer(1, 10),
      initialBackoffMs: number(0, 60_000),
      maxBackoffMs: number(0, 600_000),
      backoffMultiplier: number(1, 100),
      retryableCodes: z
        .array(
          z.enum(STATUS_NAMES as [StatusName, ...StatusName[]], {
            error: 'is not a gRPC status name (e.g. "UNAVAILABLE")',
          }),
          {
            error: 'must be a list of status names',
          },
        )
        .optional(),
    }),
    retryBudget: section({ maxTokens: number(1, 1000), tokenRatio: number(0.001, 1) }),
    hedging: section({ delayMs: number(0, 600_000), maxAttempts: integer(2, 5) }),
    ewma: section({
      decayMs: number(1, 3_600_000),
      penaltyDecayMs: number(1, 3_600_000),
      penaltyWeight: number(0, 1_000_000),
    }),
    methods: z.record(z.string(), methodSchema, { error: 'must be an object' }).optional(),
  },
  { error: 'must be an object' },
);

export interface ResolveOptions {
  /** The service's method names (proto and ts-proto forms); `methods.<Name>` must be one of them. */
  methodNames?: readonly string[];
  /** For the error about an unknown method, e.g. `helloworld.v1.Greeter`. */
  fullServiceName?: string;
}

/**
 * Validates `raw` (typically parsed JSON or YAML) with zod and fills in defaults. Unknown keys are
 * errors too, so a typo (`timeoutMS`, or a method name) does not silently fall back to a default.
 */
export function resolveRpcConfig(
  service: string,
  raw: unknown = {},
  options: ResolveOptions = {},
): ResolvedRpcConfig {
  const at = `rpc config for "${service}": `;
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new RpcConfigError(at + describe(parsed.error.issues, configSchema));
  const c = parsed.data;
  const d = DEFAULT_RPC_CONFIG;
  const breaker = { ...d.breaker, ...defined(c.breaker) };
  if (breaker.windowMs % breaker.windowBuckets !== 0) {
    throw new RpcConfigError(
      `${at}breaker.windowBuckets must divide breaker.windowMs (${breaker.windowMs}), got ${breaker.windowBuckets}`,
    );
  }
  const methods: Record<string, MethodConfig> = {};
  for (const [name, method] of Object.entries(c.methods ?? {})) {
    if (options.methodNames && !options.methodNames.includes(name)) {
      const proto = options.methodNames.filter((m) => /^[A-Z]/.test(m));
      throw new RpcConfigError(
        `${at}methods.${name} is not a method of ${options.fullServiceName ?? service} (methods: ${(proto.length ? proto : options.methodNames).join(', ')})`,
      );
    }
    methods[name] = defined(method);
  }
  const { retryableCodes, ...retry } = defined(c.retry ?? {});
  return {
    service,
    policy: c.policy ?? d.policy,
    timeoutMs: c.timeoutMs ?? d.timeoutMs,
    breaker,
    retry: {
      ...d.retry,
      ...retry,
      retryableCodes: retryableCodes ? retryableCodes.map((name) => status[name]) : d.retry.retryableCodes,
    },
    retryBudget: { ...d.retryBudget, ...defined(c.retryBudget) },
    hedging: { ...d.hedging, ...defined(c.hedging) },
    ewma: { ...d.ewma, ...defined(c.ewma) },
    methods,
  };
}

/** `breaker.errorThresholdPercentage must be a number from 1 to 100, got 150`. */
function describe(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): string {
  const [issue] = issues;
  if (!issue) return 'the config is invalid';
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const prefix = path.length ? `${path.join('.')}.` : '';
    return `${prefix}${issue.keys[0]} is not a known setting (known: ${knownKeys(schema, path).join(', ')})`;
  }
  const input = (issue as { input?: unknown }).input;
  const last = issue.path.at(-1);
  if (typeof last === 'number')
    return `${path.slice(0, -1).join('.')} contains ${show(input)}, which ${issue.message}`;
  return `${path.length ? path.join('.') : 'the config'} ${issue.message}, got ${show(input)}`;
}

function knownKeys(schema: z.ZodType, path: readonly string[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    const shape = objectShape(current);
    current = shape?.[key] ?? (current instanceof z.ZodRecord ? (current.valueType as z.ZodType) : undefined);
  }
  return Object.keys(objectShape(current) ?? {});
}

function objectShape(schema: z.ZodType | undefined): Record<string, z.ZodType> | undefined {
  let inner: unknown = schema;
  while (inner instanceof z.ZodOptional) inner = inner.unwrap();
  return inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>) : undefined;
}

/** Drops keys whose value is undefined, so that spreading over defaults keeps the defaults. */
function defined<T extends object>(value: T | undefined): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
}
