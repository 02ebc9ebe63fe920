import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_STATE_DIR } from './paths.js';

export interface FleetConfig {
  /** Run the registry on real etcd instead of flotilla-store. */
  etcd: boolean;
  /** Wipe the registry's data dirs (and remembered ports) first. */
  fresh: boolean;
  /** First greeter port (then +1, +2); undefined: free ports. */
  greeterPort: number | undefined;
  /** How long to wait for each member of the fleet to become ready. */
  startTimeoutMs: number;
  /** Data dirs, logs and the state file `npm run hello` reads. */
  stateDir: string;
}

export const FLEET_USAGE =
  'usage: npm run fleet -- [--etcd] [--fresh] [--greeter-port <base>] [--start-timeout-ms 30000] [--state-dir .fleet]';

export function parseFleetArgs(argv: string[]): FleetConfig {
  let values: {
    etcd?: boolean;
    fresh?: boolean;
    'greeter-port'?: string;
    'start-timeout-ms'?: string;
    'state-dir'?: string;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        etcd: { type: 'boolean' },
        fresh: { type: 'boolean' },
        'greeter-port': { type: 'string' },
        'start-timeout-ms': { type: 'string' },
        'state-dir': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${FLEET_USAGE}`);
  }
  const greeterPort = values['greeter-port'];
  const stateDir = values['state-dir'];
  if (stateDir !== undefined && stateDir.trim() === '') {
    throw new Error(`--state-dir must not be empty\n${FLEET_USAGE}`);
  }
  return {
    etcd: values.etcd ?? false,
    fresh: values.fresh ?? false,
    greeterPort: greeterPort === undefined ? undefined : integer('--greeter-port', greeterPort, 1, 65535 - 2),
    startTimeoutMs:
      values['start-timeout-ms'] === undefined
        ? 30_000
        : integer('--start-timeout-ms', values['start-timeout-ms'], 1000, 600_000),
    stateDir: stateDir === undefined ? DEFAULT_STATE_DIR : resolve(stateDir),
  };
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${flag} must be an integer from ${min} to ${max}, got "${raw}"\n${FLEET_USAGE}`);
  }
  return n;
}
