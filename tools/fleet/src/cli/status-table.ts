import type { FleetState } from '../fleet-state.js';

export interface StatusRow {
  instance: string;
  state: string;
  pid: string;
  address: string;
  restarts: string;
  uptime: string;
}

/** One row per store member and service instance, store first, services in start order. */
export function statusRows(state: FleetState, now = Date.now()): StatusRow[] {
  const row = (
    instance: string,
    i: FleetState['store'][number] | FleetState['services'][string][number],
  ) => ({
    instance,
    state: i.state,
    pid: String(i.pid),
    address: i.address,
    restarts: String(i.restarts),
    uptime: i.state === 'running' || i.state === 'paused' ? duration(now - i.startedAt) : '-',
  });
  return [
    ...state.store.map((m) => row(m.name, m)),
    ...Object.values(state.services).flatMap((instances) => instances.map((i) => row(i.instanceId, i))),
  ];
}

const HEADERS: StatusRow = {
  instance: 'INSTANCE',
  state: 'STATE',
  pid: 'PID',
  address: 'ADDRESS',
  restarts: 'RESTARTS',
  uptime: 'UPTIME',
};

/** A plain-text table; `paint` may colour a row's state (the TTY view does, nobody else). */
export function statusTable(
  rows: StatusRow[],
  paint: (state: string, text: string) => string = (_, t) => t,
): string[] {
  const columns = Object.keys(HEADERS) as (keyof StatusRow)[];
  const widths = columns.map((c) => Math.max(HEADERS[c].length, ...rows.map((r) => r[c].length)));
  const line = (r: StatusRow, colour: boolean) =>
    columns
      .map((c, k) => {
        const cell = r[c].padEnd(widths[k] ?? 0);
        return colour && c === 'state' ? paint(r.state, cell) : cell;
      })
      .join('  ')
      .trimEnd();
  return [line(HEADERS, false), ...rows.map((r) => line(r, true))];
}

/** 3s, 4m12s, 2h05m. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
