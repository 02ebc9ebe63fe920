import { connect } from 'node:net';
import type { Discovery } from '@flotilla/discovery';
import { parseHostPort } from '@flotilla/discovery';
import { memberAnswers } from '../registry/wait-registry.js';

/** Whether something accepts TCP connections on host:port. */
export function acceptsConnections(address: string): Promise<boolean> {
  const { host, port } = parseHostPort(address);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * A gRPC instance is ready once its registration (instance id and address) is in the registry and
 * its port accepts connections. The port check matters after a restart on the same port: the key
 * of a SIGKILLed predecessor stays until its lease expires.
 */
export async function isRegistered(
  discovery: Discovery,
  service: string,
  instanceId: string,
  address: string,
): Promise<boolean> {
  let endpoints;
  try {
    endpoints = await discovery.list(service);
  } catch {
    // The store may be electing a leader (a member was just killed): ask again on the next poll.
    return false;
  }
  if (!endpoints.some((e) => e.instanceId === instanceId && e.address === address)) return false;
  return acceptsConnections(address);
}

/** An HTTP instance is ready once GET /healthz answers 200. */
export async function answersHealthz(address: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${address}/healthz`, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

export { memberAnswers };
