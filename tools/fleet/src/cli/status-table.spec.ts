import type { FleetState } from '../fleet-state.js';
import { duration, statusRows, statusTable } from './status-table.js';

const state: FleetState = {
  pid: 1,
  registry: ['http://127.0.0.1:2379'],
  control: 'http://127.0.0.1:9000',
  dashboard: null,
  gateway: null,
  store: [
    {
      name: 'store-1',
      address: 'http://127.0.0.1:2379',
      pid: 10,
      logFile: 'l',
      state: 'running',
      restarts: 0,
      startedAt: 0,
    },
  ],
  services: {
    greeter: [
      {
        instanceId: 'greeter-1',
        address: '127.0.0.1:5001',
        pid: 11,
        logFile: 'l',
        state: 'paused',
        restarts: 2,
        startedAt: 55_000,
      },
      {
        instanceId: 'greeter-2',
        address: '127.0.0.1:5002',
        pid: 12,
        logFile: 'l',
        state: 'killed',
        restarts: 0,
        startedAt: 0,
      },
    ],
  },
};

describe('the status table', () => {
  it('lists the store members, then each service’s instances, in aligned columns', () => {
    expect(statusTable(statusRows(state, 65_000))).toEqual([
      'INSTANCE   STATE    PID  ADDRESS                RESTARTS  UPTIME',
      'store-1    running  10   http://127.0.0.1:2379  0         1m05s',
      'greeter-1  paused   11   127.0.0.1:5001         2         10s',
      'greeter-2  killed   12   127.0.0.1:5002         0         -',
    ]);
  });

  it('colours only the state cell, and only when asked', () => {
    const [, row] = statusTable(statusRows(state, 65_000), (s, text) => `<${s}>${text}</>`);
    expect(row).toBe('store-1    <running>running</>  10   http://127.0.0.1:2379  0         1m05s');
  });

  it('writes durations as a person reads them', () => {
    expect([0, 59_999, 60_000, 3_599_000, 3_600_000, 7_380_000].map(duration)).toEqual([
      '0s',
      '59s',
      '1m00s',
      '59m59s',
      '1h00m',
      '2h03m',
    ]);
  });
});
