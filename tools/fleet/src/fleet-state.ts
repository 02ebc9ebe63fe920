import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

const stateSchema = z.object({
  pid: z.number().int(),
  registry: z.array(z.string()).min(1),
  services: z.record(
    z.string(),
    z.array(z.object({ instanceId: z.string(), address: z.string(), pid: z.number() })),
  ),
});

/** What a running fleet publishes in <state dir>/fleet.json, for `npm run hello` and a second fleet. */
export type FleetState = z.output<typeof stateSchema>;

export function readFleetState(file: string): FleetState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return stateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

export function writeFleetState(file: string, state: FleetState): void {
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
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
