import { DecayingCounter, PeakEwma } from './ewma.js';

describe('PeakEwma', () => {
  it('jumps to a higher sample at once', () => {
    const ewma = new PeakEwma(1000, 0);
    ewma.observe(5, 0);
    ewma.observe(50, 1);
    expect(ewma.get(1)).toBe(50);
  });

  it('moves toward lower samples with the time between them', () => {
    const ewma = new PeakEwma(1000, 0);
    ewma.observe(100, 0);
    ewma.observe(0, 1000); // one time constant later
    expect(ewma.get(1000)).toBeCloseTo(100 * Math.exp(-1) * Math.exp(-1), 5);
  });

  it('decays while idle, so a slow endpoint is eventually tried again', () => {
    const ewma = new PeakEwma(1000, 0);
    ewma.observe(100, 0);
    expect(ewma.get(2000)).toBeCloseTo(100 * Math.exp(-2), 5);
  });
});

describe('DecayingCounter', () => {
  it('adds and decays exponentially', () => {
    const counter = new DecayingCounter(100);
    counter.add(1, 0);
    counter.add(1, 0);
    expect(counter.get(0)).toBe(2);
    expect(counter.get(100)).toBeCloseTo(2 * Math.exp(-1), 6);
  });
});
