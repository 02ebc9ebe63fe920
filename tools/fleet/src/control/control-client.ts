import { request } from 'node:http';
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

/**
 * Calls the running fleet's control API. With node:http rather than fetch: fetch gives up on an
 * answer after 300 s, and a scale that builds a joining service may take longer on a busy machine.
 */
export async function control<T>(
  stateDir: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const state = runningFleet(stateDir);
  let answer: { status: number; text: string };
  try {
    answer = await send(
      `${state.control}${path}`,
      method,
      body === undefined ? undefined : JSON.stringify(body),
    );
  } catch (error) {
    throw new ControlRequestError(
      `the fleet (pid ${state.pid}) does not answer on ${state.control}: ${(error as Error).message}`,
    );
  }
  let json: T & { error?: string };
  try {
    json = JSON.parse(answer.text) as T & { error?: string };
  } catch {
    throw new ControlRequestError(
      `the fleet answered ${method} ${path} with HTTP ${answer.status}, not JSON`,
    );
  }
  if (answer.status < 200 || answer.status >= 300) {
    throw new ControlRequestError(json.error ?? `HTTP ${answer.status}`);
  }
  return json;
}

function send(
  url: string,
  method: string,
  body: string | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: body === undefined ? {} : { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
