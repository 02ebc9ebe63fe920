export interface SimEvent {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  /** Wake-ups resume test code; the driver yields to it after running one. */
  readonly wake: boolean;
}

/** Discrete-event queue: a binary heap ordered by (virtual time, insertion order). */
export class Scheduler {
  now = 0;
  private seq = 0;
  private readonly heap: SimEvent[] = [];

  get size(): number {
    return this.heap.length;
  }

  at(time: number, fn: () => void, wake = false): void {
    const ev: SimEvent = { at: Math.max(time, this.now), seq: this.seq++, fn, wake };
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  after(delay: number, fn: () => void): void {
    this.at(this.now + delay, fn);
  }

  /** Removes and returns the earliest event, advancing `now` to its time. */
  pop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    if (!top) return undefined;
    const last = h.pop() as SimEvent;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    this.now = top.at;
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
