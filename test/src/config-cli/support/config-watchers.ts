import type { ChildProcess } from 'node:child_process';
import { captureOutput, spawnTracked, stopChild, waitFor } from '@flotilla/testing';
import { CONFIG_WATCHER } from './built-artifacts.js';

/** One JSON line of the watcher fixture: `started`, `change`, `invalid`, `stale`, `fresh` or `snapshot`. */
export type WatcherEvent = { event: string } & Record<string, unknown>;

/** A service process holding a live config handle, and every event it printed. */
export interface ConfigWatcher {
  readonly name: string;
  readonly events: readonly WatcherEvent[];
  /** Resolves with the first event (printed so far or later) that `match` accepts. */
  next(match: (e: WatcherEvent) => boolean, what: string): Promise<WatcherEvent>;
  /** The handle's current typed values, asked for over stdin. */
  snapshot(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts a watcher of `service`'s config; resolves once its handle has read the store. */
export async function startWatcher(
  name: string,
  service: string,
  endpoints: readonly string[],
): Promise<ConfigWatcher> {
  const child: ChildProcess = spawnTracked(
    process.execPath,
    [CONFIG_WATCHER, JSON.stringify({ service, endpoints })],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const { stdin, stdout } = child;
  if (!stdin || !stdout) throw new Error(`${name}: spawned without pipes`);
  const output = captureOutput(child);
  const events: WatcherEvent[] = [];
  let partial = '';
  stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') events.push(JSON.parse(line) as WatcherEvent);
  });

  const next = async (match: (e: WatcherEvent) => boolean, what: string, timeoutMs = 20_000) => {
    try {
      return await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
          return events.find(match);
        },
        { timeoutMs, intervalMs: 20, what: `${name}: ${what}` },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${output()}`, { cause: error });
    }
  };
  const watcher: ConfigWatcher = {
    name,
    events,
    next: (match, what) => next(match, what),
    snapshot: async () => {
      const asked = events.filter((e) => e.event === 'snapshot').length;
      stdin.write('snapshot\n');
      await next(() => events.filter((e) => e.event === 'snapshot').length > asked, 'a snapshot', 5000);
      const answer = events.filter((e) => e.event === 'snapshot')[asked];
      return answer?.['snapshot'] as Record<string, unknown>;
    },
    stop: () => stopChild(child, 'SIGTERM', 3000),
  };
  try {
    await next((e) => e.event === 'started', 'its handle to start', 30_000);
  } catch (error) {
    await watcher.stop();
    throw error;
  }
  return watcher;
}
