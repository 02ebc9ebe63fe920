import { createDiscovery } from '@flotilla/discovery';
import type { ManagedProcess } from '../supervisor/managed-process.js';
import { exitedMessage, logTail } from '../log-tail.js';
import { waitUntil } from '../wait-until.js';

/** Whether a member answers a read of the registry prefix (which needs an elected leader). */
export async function memberAnswers(endpoint: string): Promise<boolean> {
  try {
    const discovery = await createDiscovery({
      endpoints: [endpoint],
      connectTimeoutMs: 1000,
      callTimeoutMs: 1000,
    });
    await discovery.close();
    return true;
  } catch {
    return false;
  }
}

/** Waits until every member serves reads; fails at once if one exits. */
export async function waitRegistryReady(
  members: { endpoint: string; process: ManagedProcess }[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  await Promise.all(
    members.map(({ endpoint, process }) =>
      waitUntil(() => memberAnswers(endpoint), {
        timeoutMs,
        what: `${process.spec.name} to serve on ${endpoint}`,
        signal,
        failed: () => exitedMessage(process),
        detail: () => logTail(process),
      }),
    ),
  );
}
