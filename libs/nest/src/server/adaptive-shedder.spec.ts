import { AdaptiveShedder } from './adaptive-shedder.js';

/** A shedder on a fake clock, with utilisation set by the test. */
function shedder(options: { threshold?: number } = {}) {
  let now = 0;
  let busy = 0;
  const s = new AdaptiveShedder({
    cpuThreshold: options.threshold ?? 0.9,
    now: () => now,
    utilisation: () => busy,
  });
  return {
    s,
    advance: (ms: number) => (now += ms),
    setBusy: (value: number) => (busy = value),
  };
}

describe('AdaptiveShedder (go-zero style: hot and over max throughput x min latency)', () => {
  it("estimates the in-flight limit by Little's law over the window", () => {
    const { s, advance } = shedder();
    // 20 calls of 10 ms in each 100 ms bucket for a second: 200 calls/s x 0.01 s = 2.
    for (let b = 0; b < 10; b++) {
      for (let i = 0; i < 20; i++) s.record(10);
      advance(100);
    }
    expect(s.maxInFlight()).toBe(2);
  });

  it('never sheds while the event loop is below the threshold', () => {
    const { s } = shedder();
    expect(s.shouldShed(1000)).toBe(false);
  });

  it('sheds above the limit while hot, and keeps checking for a cool-off after', () => {
    const { s, advance, setBusy } = shedder();
    for (let b = 0; b < 10; b++) {
      for (let i = 0; i < 20; i++) s.record(10);
      advance(100);
    }
    setBusy(1);
    for (let i = 0; i < 10; i++) s.sampleUtilisation();
    expect(s.utilisation).toBeGreaterThan(0.9);
    expect(s.shouldShed(1)).toBe(false); // under the limit of 2
    expect(s.shouldShed(2)).toBe(true);
    expect(s.shed).toBe(1);
    // Cooled down below the threshold, but shed 500 ms ago: still checks the limit.
    setBusy(0);
    s.sampleUtilisation();
    expect(s.utilisation).toBeLessThan(0.9);
    advance(500);
    expect(s.shouldShed(5)).toBe(true);
    advance(1001);
    expect(s.shouldShed(5)).toBe(false);
  });
});
