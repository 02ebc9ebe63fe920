import { Collector, type CollectorOptions } from './collector.js';
import { serveDashboard } from './server.js';

export interface DashboardOptions {
  /** The fleet's state dir: the dashboard follows <stateDir>/fleet.json and events.jsonl. */
  stateDir: string;
  /** 0 or absent: a free port. Always on 127.0.0.1. */
  port?: number;
  /** Poll interval for the registry, store, gateway and health checks (default 1000 ms). */
  pollMs?: CollectorOptions['pollMs'];
}

export interface RunningDashboard {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the live dashboard for the fleet running from `stateDir`: a page on 127.0.0.1 that
 * updates through server-sent events. Everything it shows it reads from outside the fleet process
 * (files, registry, store, gateway, health checks), so it works for any fleet in that state dir.
 */
export async function startDashboard(o: DashboardOptions): Promise<RunningDashboard> {
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535))
    throw new Error(`dashboard: port must be an integer from 0 to 65535, got ${o.port}`);
  const collector = new Collector({ stateDir: o.stateDir, ...(o.pollMs ? { pollMs: o.pollMs } : {}) });
  await collector.start();
  let server;
  try {
    server = await serveDashboard(collector, o.port ?? 0);
  } catch (error) {
    await collector.close();
    throw error;
  }
  const s = server;
  return {
    url: s.url,
    close: async () => {
      await s.close();
      await collector.close();
    },
  };
}

export type { Snapshot, SeriesPoint, FleetEvent } from './model.js';
