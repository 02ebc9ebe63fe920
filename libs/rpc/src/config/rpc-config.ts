import { status } from '@grpc/grpc-js';

/** Load-balancing policies a service can choose; each is a registered grpc-js LB type. */
export type PolicyName = 'p2c_ewma' | 'round_robin' | 'weighted';

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
  /** Status codes worth retrying for idempotent methods. Default [UNAVAILABLE]. */
  retryableCodes?: status[];
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
  /** Default deadline for calls of this method. */
  timeoutMs?: number;
  /** Overrides the .proto `idempotency_level`. */
  idempotent?: boolean;
  /** Hedge this (idempotent, unary) method. Default false. */
  hedging?: boolean;
}

/** Per-service client configuration, e.g. `{ greeter: { policy: 'p2c_ewma', timeoutMs: 2000 } }`. */
export interface ServiceRpcConfig {
  policy?: PolicyName;
  /** Default deadline for every call. Default 10000 ms. */
  timeoutMs?: number;
  breaker?: BreakerConfig;
  retry?: RetryConfig;
  retryBudget?: RetryBudgetConfig;
  hedging?: HedgingConfig;
  ewma?: EwmaConfig;
  /** Keyed by the method's proto name (`SayHello`) or its ts-proto name (`sayHello`). */
  methods?: Record<string, MethodConfig>;
}

export interface ResolvedRpcConfig {
  service: string;
  policy: PolicyName;
  timeoutMs: number;
  breaker: Required<BreakerConfig>;
  retry: Required<RetryConfig>;
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

const POLICIES: readonly PolicyName[] = ['p2c_ewma', 'round_robin', 'weighted'];

/** Thrown for a bad configuration value; the message names the service, the key and the value. */
export class RpcConfigError extends Error {
  override name = 'RpcConfigError';
}

/**
 * Validates `raw` (typically parsed JSON or YAML) and fills in defaults. Unknown keys are errors too,
 * so a typo (`timeoutMS`) does not silently fall back to a default.
 */
export function resolveRpcConfig(service: string, raw: unknown = {}): ResolvedRpcConfig {
  const at = (path: string) => `rpc config for "${service}": ${path}`;
  const root = record(raw, at('the config'));
  allowKeys(
    root,
    ['policy', 'timeoutMs', 'breaker', 'retry', 'retryBudget', 'hedging', 'ewma', 'methods'],
    at(''),
  );
  const d = DEFAULT_RPC_CONFIG;

  const policy = root['policy'] ?? d.policy;
  if (typeof policy !== 'string' || !POLICIES.includes(policy as PolicyName)) {
    throw new RpcConfigError(`${at('policy')} must be one of ${POLICIES.join(', ')}, got ${show(policy)}`);
  }

  const breakerRaw = record(root['breaker'] ?? {}, at('breaker'));
  allowKeys(breakerRaw, Object.keys(d.breaker), at('breaker.'));
  const breaker: Required<BreakerConfig> = {
    enabled: bool(breakerRaw['enabled'], d.breaker.enabled, at('breaker.enabled')),
    errorThresholdPercentage: num(
      breakerRaw['errorThresholdPercentage'],
      d.breaker.errorThresholdPercentage,
      at('breaker.errorThresholdPercentage'),
      1,
      100,
    ),
    volumeThreshold: int(
      breakerRaw['volumeThreshold'],
      d.breaker.volumeThreshold,
      at('breaker.volumeThreshold'),
      0,
      1_000_000,
    ),
    windowMs: int(breakerRaw['windowMs'], d.breaker.windowMs, at('breaker.windowMs'), 10, 3_600_000),
    windowBuckets: int(
      breakerRaw['windowBuckets'],
      d.breaker.windowBuckets,
      at('breaker.windowBuckets'),
      1,
      1000,
    ),
    resetTimeoutMs: int(
      breakerRaw['resetTimeoutMs'],
      d.breaker.resetTimeoutMs,
      at('breaker.resetTimeoutMs'),
      1,
      3_600_000,
    ),
  };
  if (breaker.windowMs % breaker.windowBuckets !== 0) {
    throw new RpcConfigError(
      `${at('breaker.windowBuckets')} must divide breaker.windowMs (${breaker.windowMs}), got ${breaker.windowBuckets}`,
    );
  }

  const retryRaw = record(root['retry'] ?? {}, at('retry'));
  allowKeys(retryRaw, Object.keys(d.retry), at('retry.'));
  const retry: Required<RetryConfig> = {
    maxAttempts: int(retryRaw['maxAttempts'], d.retry.maxAttempts, at('retry.maxAttempts'), 1, 10),
    initialBackoffMs: num(
      retryRaw['initialBackoffMs'],
      d.retry.initialBackoffMs,
      at('retry.initialBackoffMs'),
      0,
      60_000,
    ),
    maxBackoffMs: num(retryRaw['maxBackoffMs'], d.retry.maxBackoffMs, at('retry.maxBackoffMs'), 0, 600_000),
    backoffMultiplier: num(
      retryRaw['backoffMultiplier'],
      d.retry.backoffMultiplier,
      at('retry.backoffMultiplier'),
      1,
      100,
    ),
    retryableCodes: codes(retryRaw['retryableCodes'], d.retry.retryableCodes, at('retry.retryableCodes')),
  };

  const budgetRaw = record(root['retryBudget'] ?? {}, at('retryBudget'));
  allowKeys(budgetRaw, Object.keys(d.retryBudget), at('retryBudget.'));
  const retryBudget: Required<RetryBudgetConfig> = {
    maxTokens: num(budgetRaw['maxTokens'], d.retryBudget.maxTokens, at('retryBudget.maxTokens'), 1, 1000),
    tokenRatio: num(
      budgetRaw['tokenRatio'],
      d.retryBudget.tokenRatio,
      at('retryBudget.tokenRatio'),
      0.001,
      1,
    ),
  };

  const hedgingRaw = record(root['hedging'] ?? {}, at('hedging'));
  allowKeys(hedgingRaw, Object.keys(d.hedging), at('hedging.'));
  const hedging: Required<HedgingConfig> = {
    delayMs: num(hedgingRaw['delayMs'], d.hedging.delayMs, at('hedging.delayMs'), 0, 600_000),
    maxAttempts: int(hedgingRaw['maxAttempts'], d.hedging.maxAttempts, at('hedging.maxAttempts'), 2, 5),
  };

  const ewmaRaw = record(root['ewma'] ?? {}, at('ewma'));
  allowKeys(ewmaRaw, Object.keys(d.ewma), at('ewma.'));
  const ewma: Required<EwmaConfig> = {
    decayMs: num(ewmaRaw['decayMs'], d.ewma.decayMs, at('ewma.decayMs'), 1, 3_600_000),
    penaltyDecayMs: num(
      ewmaRaw['penaltyDecayMs'],
      d.ewma.penaltyDecayMs,
      at('ewma.penaltyDecayMs'),
      1,
      3_600_000,
    ),
    penaltyWeight: num(
      ewmaRaw['penaltyWeight'],
      d.ewma.penaltyWeight,
      at('ewma.penaltyWeight'),
      0,
      1_000_000,
    ),
  };

  const methodsRaw = record(root['methods'] ?? {}, at('methods'));
  const methods: Record<string, MethodConfig> = {};
  for (const [name, value] of Object.entries(methodsRaw)) {
    const m = record(value, at(`methods.${name}`));
    allowKeys(m, ['timeoutMs', 'idempotent', 'hedging'], at(`methods.${name}.`));
    const method: MethodConfig = {};
    if (m['timeoutMs'] !== undefined)
      method.timeoutMs = num(m['timeoutMs'], 0, at(`methods.${name}.timeoutMs`), 1, 86_400_000);
    if (m['idempotent'] !== undefined)
      method.idempotent = bool(m['idempotent'], false, at(`methods.${name}.idempotent`));
    if (m['hedging'] !== undefined) method.hedging = bool(m['hedging'], false, at(`methods.${name}.hedging`));
    methods[name] = method;
  }

  return {
    service,
    policy: policy as PolicyName,
    timeoutMs: num(root['timeoutMs'], d.timeoutMs, at('timeoutMs'), 1, 86_400_000),
    breaker,
    retry,
    retryBudget,
    hedging,
    ewma,
    methods,
  };
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RpcConfigError(`${what} must be an object, got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

function allowKeys(value: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new RpcConfigError(`${prefix}${key} is not a known setting (known: ${allowed.join(', ')})`);
    }
  }
}

function num(value: unknown, fallback: number, what: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RpcConfigError(`${what} must be a number from ${min} to ${max}, got ${show(value)}`);
  }
  return value;
}

function int(value: unknown, fallback: number, what: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RpcConfigError(`${what} must be an integer from ${min} to ${max}, got ${show(value)}`);
  }
  return value;
}

function bool(value: unknown, fallback: boolean, what: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new RpcConfigError(`${what} must be true or false, got ${show(value)}`);
  return value;
}

function codes(value: unknown, fallback: status[], what: string): status[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value))
    throw new RpcConfigError(`${what} must be a list of status codes, got ${show(value)}`);
  return value.map((code: unknown) => {
    if (
      typeof code === 'string' &&
      code in status &&
      typeof status[code as keyof typeof status] === 'number'
    ) {
      return status[code as keyof typeof status];
    }
    if (typeof code === 'number' && Number.isInteger(code) && code > 0 && code <= 16) return code as status;
    throw new RpcConfigError(
      `${what} contains ${show(code)}, which is not a gRPC status code (e.g. "UNAVAILABLE" or 14)`,
    );
  });
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
