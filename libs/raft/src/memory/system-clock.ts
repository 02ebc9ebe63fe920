import type { Clock, TimerHandle } from '../interfaces/clock.js';

/** Wall-clock timers for production use. */
export class SystemClock implements Clock {
  now(): number {
    return performance.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const h = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(h) };
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const h = setInterval(fn, ms);
    return { cancel: () => clearInterval(h) };
  }
}
