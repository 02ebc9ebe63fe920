import { join } from 'node:path';
import { type FleetState, isAlive, readFleetState } from '../fleet-state.js';

/** No fleet runs from that state dir; the message says how to start one. */
export class NoFleetError extends Error {
  constructor(stateDir: string) {
    super(
      `no fleet is running from ${stateDir} (no live fleet.json there): start one with npm run fleet${stateDir.endsWith('.fleet') ? '' : ` -- --state-dir ${stateDir}`}`,
    );
    this.name = 'NoFleetError';
  }
}

/** The control API refused or failed; the message is its error. */
export class ControlRequestError extends Error {}

/** The running fleet's published state, or NoFleetError. */
export function runningFleet(stateDir: string): FleetState {
  const state = readFleetState(join(stateDir, 'fleet.json'));
  if (!state || !isAlive(state.pid)) throw new NoFleetError(stateDir);
  return state;
}

/** Calls the running fleet's control API. */
export async function control<T>(
  stateDir: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const state = runningFleet(stateDir);
  let response: Response;
  try {
    response = await fetch(`${state.control}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ControlRequestError(
      `the fleet (pid ${state.pid}) does not answer on ${state.control}: ${(error as Error).message}`,
    );
  }
  const json = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new ControlRequestError(json.error ?? `HTTP ${response.status}`);
  return json;
}
