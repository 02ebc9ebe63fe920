export class StartAborted extends Error {
  constructor() {
    super('interrupted during start-up');
    this.name = 'StartAborted';
  }
}

export interface WaitOptions {
  timeoutMs: number;
  /** What is awaited, for the timeout message. */
  what: string;
  signal?: AbortSignal;
  /** A reason to give up at once (e.g. the process exited), or undefined. */
  failed?: () => string | undefined;
  /** More to say on a timeout (e.g. the end of the awaited process's log). */
  detail?: () => string;
  intervalMs?: number;
}

/** Polls `check` until it holds; fails with a message on timeout, abort or `failed()`. */
export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw new StartAborted();
    const failure = options.failed?.();
    if (failure) throw new Error(failure);
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.what}${options.detail ? `; ${options.detail()}` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
