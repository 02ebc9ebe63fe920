import { maxImpaired, planFault, type TargetGroup } from './fault-plan.js';
import { seededRandom } from './random.js';

const group = (name: string, n: number, quorum: boolean, down: number[] = []): TargetGroup => ({
  name,
  quorum,
  instances: Array.from({ length: n }, (_, i) => ({ id: `${name}-${i + 1}`, up: !down.includes(i + 1) })),
});

describe('planFault', () => {
  it('allows a minority of the store and all but one instance of a service', () => {
    expect(maxImpaired(group('store', 3, true))).toBe(1);
    expect(maxImpaired(group('store', 5, true))).toBe(2);
    expect(maxImpaired(group('store', 1, true))).toBe(0);
    expect(maxImpaired(group('greeter', 3, false))).toBe(2);
    expect(maxImpaired(group('translator', 1, false))).toBe(0);
  });

  it('never picks from a group that cannot spare another instance', () => {
    const groups = [
      group('store', 3, true, [2]),
      group('translator', 2, false, [1]),
      group('greeter', 3, false, [3]),
    ];
    const random = seededRandom(42);
    for (let i = 0; i < 500; i++) {
      const fault = planFault(groups, random);
      expect(fault?.group).toBe('greeter');
      expect(['greeter-1', 'greeter-2']).toContain(fault?.instance);
    }
    expect(
      planFault([group('store', 3, true, [1]), group('greeter', 2, false, [2])], random),
    ).toBeUndefined();
  });

  it('picks every kind of fault, with hold times in range, and the same plan for the same seed', () => {
    const groups = [group('store', 3, true), group('greeter', 3, false), group('translator', 2, false)];
    const a = seededRandom(7);
    const plans = Array.from({ length: 300 }, () => planFault(groups, a));
    expect(new Set(plans.map((p) => p?.kind))).toEqual(new Set(['kill', 'pause', 'restart']));
    expect(new Set(plans.map((p) => p?.group))).toEqual(new Set(['store', 'greeter', 'translator']));
    for (const p of plans) {
      if (p?.kind === 'kill') expect(p.holdMs).toBeGreaterThanOrEqual(1000);
      if (p?.kind === 'pause') expect(p.holdMs).toBeLessThanOrEqual(2500);
      if (p?.kind === 'restart') expect(p.holdMs).toBe(0);
    }
    const b = seededRandom(7);
    expect(Array.from({ length: 300 }, () => planFault(groups, b))).toEqual(plans);
  });
});
