import { describe, expect, it } from 'vitest';
import { runRandomSim } from './fault-schedule.js';

describe('randomized simulation', () => {
  it.each(Array.from({ length: 12 }, (_, k) => k + 1))(
    'seed %i keeps the invariants and recovers',
    async (seed) => {
      const res = await runRandomSim({ seed, steps: 40 });
      expect(res.error).toBeUndefined();
      expect(res.ok).toBe(true);
    },
  );
});
