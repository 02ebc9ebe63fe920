import type { Clock, TimerHandle } from '../../interfaces/clock.js';
import type { Scheduler } from '../scheduler.js';

/**
 * A `Clock` for one server incarnation, in virtual time on the shared discrete-event scheduler.
 * `now()` counts from `origin` (virtual time), as `performance.now()` counts from process start:
 * every restart begins near 0 again, so values are not unique across incarnations.
 * `fence()` (the incarnation crashed) silences every timer it ever created, so nothing of a dead
 * incarnation runs again.
 */
export class SimClock implements Clock {
  private fenced = false;

  constructor(
    private readonly sched: Scheduler,
    private readonly origin = 0,
  ) {}

  now(): number {
    return this.sched.now - this.origin;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    let cancelled = false;
    this.sched.after(Math.max(0, ms), () => {
      if (!cancelled && !this.fenced) fn();
    });
    return { cancel: () => (cancelled = true) };
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const period = Math.max(1, ms);
    let cancelled = false;
    const fire = (): void => {
      if (cancelled || this.fenced) return;
      // Re-arm before running, so that `fn` may cancel its own interval.
      this.sched.after(period, fire);
      fn();
    };
    this.sched.after(period, fire);
    return { cancel: () => (cancelled = true) };
  }

  fence(): void {
    this.fenced = true;
  }
}
