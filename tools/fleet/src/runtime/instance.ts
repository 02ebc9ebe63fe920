import type { InstanceState } from '../fleet-state.js';
import type { ManagedProcess, ProcessSpec } from '../supervisor/managed-process.js';

/** One process the fleet runs: a store member (service "store") or a service instance. */
export interface FleetInstance {
  id: string;
  service: string;
  kind: 'store' | 'grpc' | 'http';
  /** The supervisor layer it stops with. */
  layer: string;
  /** A store member's client URL; a service's host:port. */
  address: string;
  spec: ProcessSpec;
  process: ManagedProcess;
  state: InstanceState;
  restarts: number;
  startedAt: number;
  /** Set while the fleet itself ends the process, so that its exit is not reported as a crash. */
  ending?: 'killed' | 'stopped';
  /** Serialises operations on this instance (a chaos kill racing a restart). */
  busy: Promise<unknown>;
}

/** The number in "greeter-3". */
export function instanceIndex(id: string): number {
  return Number(/-(\d+)$/.exec(id)?.[1] ?? 0);
}

/** Runs `fn` after every earlier operation on the instance has settled. */
export function exclusive<T>(instance: FleetInstance, fn: () => Promise<T>): Promise<T> {
  const run = instance.busy.then(fn, fn);
  instance.busy = run.catch(() => undefined);
  return run;
}
