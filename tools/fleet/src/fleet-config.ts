import { parseArgs } from 'node:util';

export interface FleetConfig {
  /** Port of the greeter; the README's example call uses the default. */
  greeterPort: number;
  /** How long to wait for each member of the fleet to become healthy. */
  startTimeoutMs: number;
}

export const FLEET_USAGE = `usage: npm run fleet -- [--greeter-port 50051] [--start-timeout-ms 30000]`;

export function parseFleetArgs(argv: string[]): FleetConfig {
  let values: { 'greeter-port'?: string; 'start-timeout-ms'?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { 'greeter-port': { type: 'string' }, 'start-timeout-ms': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${FLEET_USAGE}`);
  }
  return {
    greeterPort: integer('--greeter-port', values['greeter-port'], 50051, 1, 65535),
    startTimeoutMs: integer('--start-timeout-ms', values['start-timeout-ms'], 30_000, 1000, 600_000),
  };
}

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${flag} must be an integer from ${min} to ${max}, got "${raw}"\n${FLEET_USAGE}`);
  }
  return n;
}
