import type { Clock, TimerHandle } from '../interfaces/clock.js';

interface Timer {
  readonly id: number;
  at: number;
  readonly every: number | null;
  readonly fn: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to; timers fire in (time, creation) order. */
export class ManualClock implements Clock {
  private time = 0;
  private seq = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, Math.max(1, ms));
  }

  /** Moves time forward by `ms`, firing due timers; awaits microtasks after each so async work settles. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const t = this.nextDue(end);
      if (!t) break;
      this.time = t.at;
      if (t.every === null) t.cancelled = true;
      else t.at += t.every;
      t.fn();
      await settle();
    }
    this.time = end;
    this.timers = this.timers.filter((t) => !t.cancelled);
    await settle();
  }

  private nextDue(end: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) {
      if (t.cancelled || t.at > end) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.id < best.id)) best = t;
    }
    return best;
  }

  private add(fn: () => void, ms: number, every: number | null): TimerHandle {
    const t: Timer = { id: this.seq++, at: this.time + Math.max(0, ms), every, fn, cancelled: false };
    this.timers.push(t);
    return { cancel: () => (t.cancelled = true) };
  }
}

/** Lets pending promise chains (and the in-memory network's microtask deliveries) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
