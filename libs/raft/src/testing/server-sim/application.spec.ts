import { describe, expect, it } from 'vitest';
import type { StateMachine } from '../../interfaces/state-machine.js';
import { runServerSim } from '../../sim/server-fault-schedule.js';
import type { ServerSimCluster } from './server-sim-cluster.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A toy application: the commands it applied, in order; answers with its index and its count. */
class ListApp implements StateMachine<unknown> {
  items: string[] = [];
  apply(command: Uint8Array, index: number): { index: number; count: number } {
    this.items.push(decoder.decode(command));
    return { index, count: this.items.length };
  }
  snapshot(): Uint8Array {
    return encoder.encode(JSON.stringify(this.items));
  }
  restore(snapshot: Uint8Array): void {
    this.items = JSON.parse(decoder.decode(snapshot)) as string[];
  }
}

describe('server-loop simulation with an application inside the recording state machine', () => {
  it.each([2, 5, 14, 21, 33])(
    'seed %i: proposers get the application answers; members end with one state',
    async (seed) => {
      let cluster: ServerSimCluster | null = null;
      const answers: unknown[] = [];
      const res = await runServerSim({
        seed,
        // Frequent snapshots, so that the application's state travels through restore.
        cluster: { application: () => new ListApp(), snapshotThreshold: 3 },
        clients: async (c, rng, until) => {
          cluster = c;
          for (let n = 0; c.now() < until; n++) {
            const target = c.proposalTarget(rng, -1);
            const r = target >= 0 ? await c.propose(target, encoder.encode(`cmd-${n}`), 500) : null;
            if (r?.outcome === 'applied') answers.push({ value: r.value, index: r.index });
            await c.sleep(10 + rng.int(40));
          }
        },
      });
      expect(res.error).toBeUndefined();
      expect(answers.length).toBeGreaterThan(0);
      for (const a of answers as { value: { index: number }; index: number }[])
        expect(a.value.index).toBe(a.index);
      const c = cluster as ServerSimCluster | null;
      const states = (c?.members() ?? []).map((i) => (c?.application(i) as ListApp | undefined)?.items);
      expect(states.length).toBeGreaterThan(0);
      for (const s of states) expect(s).toEqual(states[0]);
      expect(states[0]?.some((item) => item.startsWith('final-'))).toBe(true);
    },
  );
});
