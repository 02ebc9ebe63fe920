import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

export const INSTANCE_STATES = ['starting', 'running', 'stopped', 'killed', 'paused', 'exited'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

const instanceSchema = z.object({
  instanceId: z.string(),
  address: z.string(),
  pid: z.number().int(),
  logFile: z.string(),
  state: z.enum(INSTANCE_STATES),
  /** How many times the fleet started it again (restart, or kill ?restart=1). */
  restarts: z.number().int(),
  /** When its current process started (epoch ms). */
  startedAt: z.number(),
  /** Its Prometheus endpoint (gRPC services): http://127.0.0.1:<port>/metrics. */
  metrics: z.string().optional(),
});

const storeMemberSchema = instanceSchema.omit({ instanceId: true }).extend({ name: z.string() });

const stateSchema = z.object({
  pid: z.number().int(),
  registry: z.array(z.string()).min(1),
  /** The control API: http://127.0.0.1:<port>. */
  control: z.string(),
  dashboard: z.string().nullable(),
  gateway: z.string().nullable(),
  store: z.array(storeMemberSchema),
  services: z.record(z.string(), z.array(instanceSchema)),
});

/** What a running fleet publishes in <state dir>/fleet.json, for subcommands, the dashboard, `npm run hello`. */
export type FleetState = z.output<typeof stateSchema>;
export type InstanceRecord = z.output<typeof instanceSchema>;
export type StoreMemberRecord = z.output<typeof storeMemberSchema>;

export function readFleetState(file: string): FleetState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return stateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/** Writes a temp file and renames it over the old one, so a reader never sees half a file. */
export function writeFleetState(file: string, state: FleetState): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, file);
}

export function removeFleetState(file: string): void {
  rmSync(file, { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
