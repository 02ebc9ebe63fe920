import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type FleetRun, FLEET_MAIN, sampleFleet, startFleetRun } from '../dashboard/support/fleet-run.js';

const run = promisify(execFile);

// `fleet chaos` against a real reduced fleet: kills, pauses and restarts greeters, translators and
// store members while it loads the gateway. The gateway's callers must not see one failure.
describe('fleet chaos --for 30s', () => {
  let fleet: FleetRun | undefined;

  beforeAll(async () => {
    fleet = await startFleetRun(
      sampleFleet(3, [
        { name: 'translator', instances: 2, dependsOn: [] },
        { name: 'greeter', instances: 2, dependsOn: ['translator'] },
        { name: 'gateway', kind: 'http', instances: 1, dependsOn: ['greeter'] },
      ]),
      ['--no-dashboard'],
    );
  }, 200_000);

  afterAll(async () => {
    await fleet?.stop();
  }, 60_000);

  it('injects faults and ends with zero failed calls, and the fleet whole again', async () => {
    let stdout = '';
    let code = 0;
    try {
      ({ stdout } = await run(
        process.execPath,
        [FLEET_MAIN, 'chaos', '--for', '30s', '--seed', '12', '--state-dir', fleet!.stateDir],
        { timeout: 150_000, killSignal: 'SIGKILL' },
      ));
    } catch (error) {
      ({ stdout = '', code = 1 } = error as { stdout?: string; code?: number });
    }
    const calls = /calls\s+(\d+) made, (\d+) failed/.exec(stdout);
    const faults = /faults\s+kill (\d+), pause (\d+), restart (\d+)/.exec(stdout);
    expect(calls, stdout).not.toBeNull();
    expect(faults, stdout).not.toBeNull();
    // 60 calls are due a second for 30 s; on a busy machine some are skipped (all slots in flight).
    expect(Number(calls![1])).toBeGreaterThan(300);
    expect(Number(faults![1]) + Number(faults![2]) + Number(faults![3])).toBeGreaterThanOrEqual(3);
    expect(Number(calls![2]), stdout).toBe(0);
    expect(code, stdout).toBe(0);
    // Every fault healed: each instance and store member runs again.
    const state = fleet!.state();
    expect(
      [...state.store, ...Object.values(state.services).flat()].filter((i) => i.state !== 'running'),
    ).toEqual([]);
  }, 200_000);
});
