import { waitFor } from '@flotilla/testing';
import type { ClientControl } from '../client/client-types.js';

/** Waits until the client has a READY connection to `count` endpoints. */
export async function waitConnected(client: Pick<ClientControl, '$stats'>, count: number): Promise<void> {
  await waitFor(() => client.$stats().endpoints.filter((e) => e.connectivity === 'READY').length === count, {
    timeoutMs: 10_000,
    what: `the client to connect to all ${count} greeters`,
  });
}
