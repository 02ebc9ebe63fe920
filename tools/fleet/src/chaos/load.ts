import { pick } from './random.js';

const NAMES = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Margaret', 'Linus', 'Radia'];
/** Languages the sample translator knows; an unknown one would be a 404, not a fault. */
const LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt'];
const CALL_TIMEOUT_MS = 10_000;

export interface LoadResult {
  calls: number;
  failed: number;
  skipped: number;
  failures: Record<string, number>;
  latenciesMs: number[];
  /** The first few failures, with when and why, for the log. */
  examples: string[];
}

/**
 * Calls GET <gateway>/hello/<name>?lang=<lang> at a steady rate, at most `concurrency` at a time.
 * The schedule is by the clock (call k is due at k / rate seconds), so a slow call does not slow
 * the rate; a call due while all slots are busy is skipped and counted.
 */
export class LoadGenerator {
  private readonly result: LoadResult = {
    calls: 0,
    failed: 0,
    skipped: 0,
    failures: {},
    latenciesMs: [],
    examples: [],
  };
  private inflight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private due = 0;
  private started = 0;
  /** What a failure's "at X.Xs" counts from. */
  private origin = 0;

  constructor(
    private readonly gateway: string,
    private readonly rate: number,
    private readonly concurrency: number,
    private readonly random: () => number,
  ) {}

  /** Starts calling; `origin` (a performance.now() time, default now) is when the run's clock began. */
  start(origin?: number): void {
    this.started = performance.now();
    this.origin = origin ?? this.started;
    this.timer = setInterval(() => this.tick(), 5);
  }

  /** Stops starting calls, waits for those in flight, and returns the tally. */
  async stop(): Promise<LoadResult> {
    clearInterval(this.timer);
    await Promise.all([...this.inflight]);
    return this.result;
  }

  private tick(): void {
    const shouldHaveStarted = Math.floor(((performance.now() - this.started) / 1000) * this.rate);
    while (this.due < shouldHaveStarted) {
      this.due += 1;
      if (this.inflight.size >= this.concurrency) {
        this.result.skipped += 1;
        continue;
      }
      const call = this.call().finally(() => this.inflight.delete(call));
      this.inflight.add(call);
    }
  }

  private async call(): Promise<void> {
    const name = pick(this.random, NAMES);
    const lang = pick(this.random, LANGUAGES);
    const url = `${this.gateway.replace(/\/$/, '')}/hello/${name}?lang=${lang}`;
    const began = performance.now();
    let failure: string | undefined;
    let detail: string | undefined;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      const body = await response.text();
      if (response.status !== 200) {
        const { code, message } = errorOf(body);
        failure = `HTTP ${response.status} ${code}`.trim();
        detail = message;
      }
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      failure =
        e.name === 'TimeoutError' ? `no answer within ${CALL_TIMEOUT_MS} ms` : (e.cause?.code ?? e.message);
    }
    this.result.calls += 1;
    this.result.latenciesMs.push(performance.now() - began);
    if (failure) {
      this.result.failed += 1;
      this.result.failures[failure] = (this.result.failures[failure] ?? 0) + 1;
      if (this.result.examples.length < 5)
        this.result.examples.push(
          `at ${((performance.now() - this.origin) / 1000).toFixed(1)}s GET ${url}: ${failure}${detail ? ` (${detail})` : ''}`,
        );
    }
  }
}

/** The gRPC code name and message from the gateway's error body, when it has them. */
function errorOf(body: string): { code: string; message: string | undefined } {
  try {
    const error = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
    return {
      code: typeof error?.code === 'string' ? error.code : '',
      message: typeof error?.message === 'string' ? error.message : undefined,
    };
  } catch {
    return { code: '', message: undefined };
  }
}
