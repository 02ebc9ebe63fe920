import { parseArgs } from 'node:util';
import type { RegistryBinary } from '@flotilla/testing';

/** The two clusters, and the ceiling: one grpc-js process answering from a Map (kv-ceiling-server.ts). */
export type BenchSystem = RegistryBinary | 'ceiling';

export type Phase = 'put' | 'range' | 'watch' | 'failover' | 'memory';
export const PHASES: readonly Phase[] = ['put', 'range', 'watch', 'failover', 'memory'];

export interface BenchOptions {
  readonly systems: readonly BenchSystem[];
  readonly phases: readonly Phase[];
  /** Measured window and warm-up of each throughput step, ms. */
  readonly ms: number;
  readonly warmupMs: number;
  readonly concurrency: readonly number[];
  readonly valueBytes: number;
  /** Distinct keys the throughput steps write and read. */
  readonly keys: number;
  readonly watchers: number;
  readonly watchPuts: number;
  readonly failoverTrials: number;
  readonly memoryKeys: number;
  readonly memoryRevisions: number;
  /** Wait before each RSS reading, so that freed memory can be returned. */
  readonly memorySettleMs: number;
  readonly json: boolean;
}

const FLAGS = {
  systems: { env: 'BENCH_SYSTEMS', default: 'etcd,flotilla-store,ceiling' },
  phases: { env: 'BENCH_PHASES', default: PHASES.join(',') },
  ms: { env: 'BENCH_MS', default: '5000' },
  'warmup-ms': { env: 'BENCH_WARMUP_MS', default: '1000' },
  concurrency: { env: 'BENCH_CONCURRENCY', default: '1,16,64,256' },
  'value-bytes': { env: 'BENCH_VALUE_BYTES', default: '256' },
  keys: { env: 'BENCH_KEYS', default: '10000' },
  watchers: { env: 'BENCH_WATCHERS', default: '10' },
  'watch-puts': { env: 'BENCH_WATCH_PUTS', default: '500' },
  'failover-trials': { env: 'BENCH_FAILOVER_TRIALS', default: '20' },
  'memory-keys': { env: 'BENCH_MEMORY_KEYS', default: '100000' },
  'memory-revisions': { env: 'BENCH_MEMORY_REVISIONS', default: '1000000' },
  'memory-settle-ms': { env: 'BENCH_MEMORY_SETTLE_MS', default: '3000' },
} as const;

export const USAGE = `usage: store-vs-etcd [--flag value ...] [--json]   (each flag also as an environment variable)
${Object.entries(FLAGS)
  .map(([name, f]) => `  --${name.padEnd(18)} ${f.env.padEnd(24)} default ${f.default}`)
  .join('\n')}`;

/** Flags win over environment variables, which win over the defaults. */
export function benchOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...Object.fromEntries(Object.keys(FLAGS).map((k) => [k, { type: 'string' as const }])),
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const given = values as Record<string, string | boolean | undefined>;
  const raw = (name: keyof typeof FLAGS): string => {
    const v = given[name];
    return typeof v === 'string' ? v : (env[FLAGS[name].env] ?? FLAGS[name].default);
  };
  const int = (name: keyof typeof FLAGS, min: number): number => {
    const text = raw(name);
    const v = Number(text);
    if (!Number.isInteger(v) || v < min)
      throw new Error(`--${name} (${FLAGS[name].env}) must be an integer >= ${min}, got "${text}"`);
    return v;
  };
  const list = (name: keyof typeof FLAGS): string[] =>
    raw(name)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  const systems = list('systems').map((s) => {
    if (s !== 'etcd' && s !== 'flotilla-store' && s !== 'ceiling')
      throw new Error(`--systems: "${s}" is not one of etcd, flotilla-store, ceiling`);
    return s;
  });
  const phases = list('phases').map((p) => {
    if (!(PHASES as readonly string[]).includes(p))
      throw new Error(`--phases: "${p}" is not one of ${PHASES.join(', ')}`);
    return p as Phase;
  });
  const concurrency = list('concurrency').map((c) => {
    const v = Number(c);
    if (!Number.isInteger(v) || v < 1) throw new Error(`--concurrency: "${c}" is not a positive integer`);
    return v;
  });
  const memoryKeys = int('memory-keys', 1);
  const memoryRevisions = int('memory-revisions', 1);
  if (memoryRevisions < memoryKeys)
    throw new Error(
      `--memory-revisions (${memoryRevisions}) must be at least --memory-keys (${memoryKeys}): every key is written once first`,
    );
  return {
    systems,
    phases,
    ms: int('ms', 1),
    warmupMs: int('warmup-ms', 0),
    concurrency,
    valueBytes: int('value-bytes', 0),
    keys: int('keys', 1),
    watchers: int('watchers', 1),
    watchPuts: int('watch-puts', 1),
    failoverTrials: int('failover-trials', 1),
    memoryKeys,
    memoryRevisions,
    memorySettleMs: int('memory-settle-ms', 0),
    json: values.json === true,
  };
}
