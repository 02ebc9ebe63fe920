/**
 * An async iterator over a changing value that only ever yields the newest one: a slow consumer
 * skips intermediate sets instead of queueing them without bound.
 */
export class LatestValueIterator<T> implements AsyncIterableIterator<T> {
  private pending: { value: T } | undefined;
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private failWaiting: ((error: Error) => void) | undefined;
  private done = false;
  private failure: Error | undefined;

  constructor(private readonly onClose: () => void) {}

  push(value: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      this.failWaiting = undefined;
      resolve({ value, done: false });
    } else {
      this.pending = { value };
    }
  }

  /** Ends the iteration with an error (after any pending value is taken). */
  fail(error: Error): void {
    if (this.done) return;
    this.failure = error;
    this.finish();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.pending) {
      const { value } = this.pending;
      this.pending = undefined;
      return Promise.resolve({ value, done: false });
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.pending = undefined;
    this.failure = undefined;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.onClose();
    const resolve = this.waiting;
    const reject = this.failWaiting;
    this.waiting = undefined;
    this.failWaiting = undefined;
    if (this.failure && reject) reject(this.failure);
    else resolve?.({ value: undefined, done: true });
  }
}
