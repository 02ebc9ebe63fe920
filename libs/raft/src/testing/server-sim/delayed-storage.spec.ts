import { describe, expect, it } from 'vitest';
import type { Entry } from '../../core/types.js';
import { Scheduler } from '../scheduler.js';
import { DelayedStorage } from './delayed-storage.js';
import { SimClock } from './sim-clock.js';
import { SimDisk } from './sim-disk.js';

function entry(index: number, term = 1): Entry {
  return { index, term, kind: 'normal', data: new Uint8Array([index]) };
}

function setup(latencyMs = 5): {
  sched: Scheduler;
  disk: SimDisk;
  storage: DelayedStorage;
  misuse: string[];
} {
  const sched = new Scheduler();
  const disk = new SimDisk();
  const misuse: string[] = [];
  const storage = new DelayedStorage({
    sched,
    disk,
    latencyMs: () => latencyMs,
    observer: { onIssue: () => undefined, onDurable: () => undefined, onMisuse: (m) => misuse.push(m) },
  });
  return { sched, disk, storage, misuse };
}

/** Runs every due event, letting promise continuations settle after each. */
async function runUntil(sched: Scheduler, time: number): Promise<void> {
  for (let ev = sched.pop(); ev; ev = sched.pop()) {
    if (ev.at > time) {
      sched.at(ev.at, ev.fn);
      break;
    }
    ev.fn();
    await new Promise<void>((r) => setImmediate(r));
  }
}

describe('DelayedStorage', () => {
  it('makes a write durable only when its delay has passed, in issue order', async () => {
    const { sched, disk, storage } = setup();
    let done = false;
    void storage
      .save({ snapshot: null, entries: [entry(1), entry(2)], hardState: { term: 1, vote: 's0', commit: 0 } })
      .then(() => (done = true));
    await runUntil(sched, 4);
    expect(done).toBe(false);
    expect(disk.load().entries).toHaveLength(0);
    await runUntil(sched, 5);
    expect(done).toBe(true);
    expect(disk.load().entries.map((e) => e.index)).toEqual([1, 2]);
    expect(disk.hardState.vote).toBe('s0');
  });

  it('a crash keeps a prefix of the write in progress, never a later part alone, and nothing queued behind it', async () => {
    const { sched, disk, storage, misuse } = setup();
    let settled = false;
    void storage
      .save({
        snapshot: null,
        entries: [entry(1), entry(2), entry(3)],
        hardState: { term: 2, vote: 's1', commit: 0 },
      })
      .finally(() => (settled = true));
    await runUntil(sched, 2);
    const torn = storage.crash((parts) => parts - 2); // 4 parts: three entries, then the hard state
    expect(torn).toEqual({ op: 'save', kept: 2, parts: 4 });
    expect(disk.load().entries.map((e) => e.index)).toEqual([1, 2]);
    expect(disk.hardState.term).toBe(0); // the hard state came after the lost third entry
    await runUntil(sched, 100);
    expect(settled).toBe(false); // the crashed incarnation's promises never settle
    void storage.append([entry(4)]);
    expect(misuse).toEqual(['append issued by a crashed incarnation']);
  });

  it('flags overlapping writes and writes after close(); reads wait for earlier writes', async () => {
    const { sched, storage, misuse } = setup();
    void storage.append([entry(1)]);
    void storage.setHardState({ term: 1, vote: null, commit: 1 });
    expect(misuse).toEqual(['setHardState issued while append is still pending (writes must not overlap)']);
    let last = -1;
    void storage.lastIndex().then((v) => (last = v));
    await runUntil(sched, 5);
    expect(last).toBe(-1);
    await runUntil(sched, 10);
    expect(last).toBe(1);
    await storage.close();
    await expect(storage.append([entry(2)])).rejects.toThrow('closed');
    expect(misuse.at(-1)).toBe('append issued after close()');
  });
});

describe('SimClock', () => {
  it('runs timers on virtual time; fence() silences them for good', async () => {
    const sched = new Scheduler();
    const clock = new SimClock(sched);
    const fired: string[] = [];
    const every = clock.setInterval(() => fired.push(`tick@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push(`once@${clock.now()}`), 15);
    clock.setTimeout(() => fired.push('cancelled'), 5).cancel();
    await runUntil(sched, 25);
    expect(fired).toEqual(['tick@10', 'once@15', 'tick@20']);
    every.cancel();
    clock.setTimeout(() => fired.push('after fence'), 1);
    clock.fence();
    await runUntil(sched, 100);
    expect(fired).toHaveLength(3);
  });
});
