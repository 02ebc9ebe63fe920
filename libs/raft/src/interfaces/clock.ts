export interface TimerHandle {
  cancel(): void;
}

/** Time source for the server runtime; the core only sees ticks. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
}
