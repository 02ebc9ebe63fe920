import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../../testing.js';

describe('smoke', () => {
  it('elects and agrees', async () => {
    const c = createSimCluster({ servers: 3, seed: 1 });
    const l = await c.checkOneLeader();
    expect(l).toBeGreaterThanOrEqual(0);
    const i1 = await c.one('a', 3, false);
    const i2 = await c.one('b', 3, false);
    expect(i2).toBe(i1 + 1);
    await c.cleanup();
  });
});
