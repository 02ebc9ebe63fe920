import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnTracked, stopChild } from '@flotilla/testing';

/** The tests' service fixture (one config handle printing JSON lines), run from the package's src. */
const FIXTURE = fileURLToPath(new URL('../../src/fixtures/config-watcher.mjs', import.meta.url));

/**
 * A watching service process, as the bench sees it: when it printed that it holds the value of a
 * revision. Arrival times are taken as its lines arrive (a pipe's delay is included, as a service's
 * own reaction would be).
 */
export class WatchingProcess {
  private readonly seen = new Map<number, number>();
  private waiter: { revision: number; resolve: (at: number) => void } | undefined;

  private constructor(private readonly child: ChildProcess) {
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      const at = performance.now();
      for (const part of parts) {
        if (part.trim() === '') continue;
        const line = JSON.parse(part) as { event: string; revision?: number };
        if (line.event === 'started') this.seen.set(0, at);
        if (line.event === 'change' && line.revision !== undefined) this.seen.set(line.revision, at);
      }
      const w = this.waiter;
      if (w && this.seen.has(w.revision)) {
        this.waiter = undefined;
        w.resolve(this.seen.get(w.revision)!);
      }
    });
  }

  static async start(service: string, endpoints: readonly string[]): Promise<WatchingProcess> {
    const child = spawnTracked(process.execPath, [FIXTURE, JSON.stringify({ service, endpoints })], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const p = new WatchingProcess(child);
    await p.holds(0, 30_000);
    return p;
  }

  /** Resolves with when this process held `revision` (at once if it already did). */
  holds(revision: number, timeoutMs = 10_000): Promise<number> {
    const at = this.seen.get(revision);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no change at revision ${revision} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiter = {
        revision,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      };
    });
  }

  stop(): Promise<void> {
    return stopChild(this.child, 'SIGTERM', 3000);
  }
}
