export interface ChaosOptions {
  /** The running fleet's state dir (its fleet.json names the gateway and the control API). */
  stateDir: string;
  /** How long to load the gateway and inject faults. */
  durationMs: number;
  /** Seeds the choice of faults, victims, hold times and request names; random (and reported) if absent. */
  seed?: number;
  /** Gateway calls started per second. Default 60. */
  rate?: number;
  /** At most this many calls in flight; a call due while they are all busy is skipped (and counted). Default 8. */
  concurrency?: number;
  /** Mean time between faults. Default 2000 ms. */
  faultEveryMs?: number;
  /** Services whose instances may be hit; the store is named "store". Default: the store and every gRPC service. */
  targets?: string[];
  /** Progress lines (each fault, and what is healed at the end). */
  log?: (line: string) => void;
  /** Ends the run early (Ctrl-C); faults in progress are still healed. */
  signal?: AbortSignal;
}

export interface ResolvedChaosOptions extends Required<Omit<ChaosOptions, 'targets' | 'signal'>> {
  targets: string[] | undefined;
  signal: AbortSignal | undefined;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "30s", "1m", "1m30s", "500ms" or a plain number of seconds -> milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed)
    throw new Error(`invalid duration "${text}": use e.g. 30s, 2m, 1m30s or 500ms`);
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] ?? ''] ?? 0), 0));
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0)
    throw new Error(`chaos: ${name} must be a positive number, got ${value}`);
  return v;
}

export function resolveChaosOptions(o: ChaosOptions): ResolvedChaosOptions {
  if (!o.stateDir) throw new Error('chaos: stateDir is required');
  const durationMs = positive('duration', o.durationMs, 0);
  if (durationMs < 1000) throw new Error(`chaos: the duration must be at least 1s, got ${durationMs} ms`);
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`chaos: the seed must be a non-negative integer, got ${o.seed}`);
  const concurrency = positive('concurrency', o.concurrency, 8);
  if (!Number.isInteger(concurrency))
    throw new Error(`chaos: concurrency must be an integer, got ${concurrency}`);
  return {
    stateDir: o.stateDir,
    durationMs,
    seed,
    rate: positive('rate', o.rate, 60),
    concurrency,
    faultEveryMs: positive('faultEveryMs', o.faultEveryMs, 2000),
    targets: o.targets,
    log: o.log ?? (() => undefined),
    signal: o.signal,
  };
}
