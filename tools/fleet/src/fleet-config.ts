import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { DEFAULT_DEFINITION, DEFAULT_STATE_DIR } from './paths.js';

export interface FleetConfig {
  /** Run the store on real etcd instead of flotilla-store. */
  etcd: boolean;
  /** Wipe the store's data dirs (and remembered ports) first. */
  fresh: boolean;
  /** How long to wait for each member of the fleet to become ready. */
  startTimeoutMs: number;
  /** Data dirs, logs, fleet.json and events.jsonl. */
  stateDir: string;
  /** The fleet definition (fleet.json in the repository root by default). */
  definitionFile: string;
  /** Build the definition's stale Nx projects first. */
  build: boolean;
  /** Serve the live dashboard once the fleet is ready. */
  dashboard: boolean;
}

/** Commander's raw values of the start options. */
export interface StartOptionValues {
  etcd?: boolean;
  fresh?: boolean;
  startTimeoutMs?: number;
  stateDir?: string;
  definition?: string;
  build?: boolean;
  dashboard?: boolean;
}

export function toFleetConfig(values: StartOptionValues): FleetConfig {
  return {
    etcd: values.etcd ?? false,
    fresh: values.fresh ?? false,
    startTimeoutMs: values.startTimeoutMs ?? 30_000,
    stateDir: stateDirOption(values.stateDir),
    definitionFile: values.definition === undefined ? DEFAULT_DEFINITION : resolve(values.definition),
    build: values.build ?? true,
    dashboard: values.dashboard ?? true,
  };
}

export function stateDirOption(value: string | undefined): string {
  return value === undefined ? DEFAULT_STATE_DIR : resolve(value);
}

/** A commander argument parser for an integer in [min, max]. */
export function integerIn(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}.`);
    }
    return n;
  };
}

export function nonEmpty(raw: string): string {
  if (raw.trim() === '') throw new InvalidArgumentError('must not be empty.');
  return raw;
}
