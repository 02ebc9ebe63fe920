import type { Clock, TimerHandle } from '../interfaces/clock.js';
import { ReadIndexTimeoutError } from './errors.js';

export interface ReadWaitOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

interface Waiter {
  settled: boolean;
  resolve(index: number): void;
  reject(error: Error): void;
}

interface Round {
  readonly waiters: Waiter[];
  sentAt: number;
}

/**
 * Batches linearizable reads (etcd's linearizableReadLoop): every `read()` made before the next
 * flush shares one ReadIndex request, so concurrent reads cost one heartbeat round. A round whose
 * answer does not come back within `retryMs` (lost message) is asked again under a new context.
 */
export class ReadIndexBatcher {
  private queued: Waiter[] = [];
  private scheduled = false;
  private seq = 0;
  private readonly rounds = new Map<string, Round>();

  constructor(
    private readonly prefix: string,
    private readonly clock: Clock,
    /** Starts a ReadIndex round for `context`; returns an error when it cannot (no leader). */
    private readonly request: (context: string) => Error | null,
    private readonly retryMs: number,
  ) {}

  read(options: ReadWaitOptions): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let timer: TimerHandle | null = null;
      const { signal } = options;
      const finish = (): boolean => {
        if (w.settled) return false;
        w.settled = true;
        timer?.cancel();
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const w: Waiter = {
        settled: false,
        resolve: (i) => {
          if (finish()) resolve(i);
        },
        reject: (e) => {
          if (finish()) reject(e);
        },
      };
      const onAbort = (): void => {
        const r: unknown = signal?.reason;
        w.reject(r instanceof Error ? r : new Error('read aborted', { cause: r }));
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      if (options.timeoutMs > 0) {
        timer = this.clock.setTimeout(
          () => w.reject(new ReadIndexTimeoutError(options.timeoutMs)),
          options.timeoutMs,
        );
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queued.push(w);
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  /** The round `context` was confirmed at `index`. */
  confirmed(context: string, index: number): void {
    const round = this.rounds.get(context);
    if (!round) return;
    this.rounds.delete(context);
    for (const w of round.waiters) w.resolve(index);
  }

  /** The round `context` failed (leadership changed, or the leader refused). */
  failed(context: string, error: Error): void {
    const round = this.rounds.get(context);
    if (!round) return;
    this.rounds.delete(context);
    for (const w of round.waiters) w.reject(error);
  }

  /** Asks again for rounds unanswered for `retryMs` (a lost request or answer). Call on every tick. */
  retryStale(): void {
    const now = this.clock.now();
    for (const [context, round] of [...this.rounds]) {
      const live = round.waiters.filter((w) => !w.settled);
      if (live.length === 0) {
        this.rounds.delete(context);
        continue;
      }
      if (now - round.sentAt < this.retryMs) continue;
      this.rounds.delete(context);
      this.start(live);
    }
  }

  rejectAll(error: Error): void {
    for (const w of this.queued) w.reject(error);
    this.queued = [];
    for (const round of this.rounds.values()) for (const w of round.waiters) w.reject(error);
    this.rounds.clear();
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queued.filter((w) => !w.settled);
    this.queued = [];
    if (batch.length > 0) this.start(batch);
  }

  private start(waiters: Waiter[]): void {
    const context = `${this.prefix}/${this.seq++}`;
    // Registered first: a single-voter leader may confirm the round before `request` returns.
    this.rounds.set(context, { waiters, sentAt: this.clock.now() });
    const error = this.request(context);
    if (error) {
      this.rounds.delete(context);
      for (const w of waiters) w.reject(error);
    }
  }
}
