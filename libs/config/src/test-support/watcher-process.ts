import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureOutput, spawnTracked, stopChild, waitFor } from '@flotilla/testing';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'config-watcher.mjs');

/** A line the fixture printed: started, change, invalid, stale, fresh or snapshot. */
export interface WatcherLine {
  event: 'started' | 'change' | 'invalid' | 'stale' | 'fresh' | 'snapshot';
  [field: string]: unknown;
}

/** A service process holding one config handle (fixtures/config-watcher.mjs). */
export class WatcherProcess {
  readonly lines: WatcherLine[] = [];
  private readonly output: () => string;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.output = captureOutput(child);
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const part of parts) if (part.trim() !== '') this.lines.push(JSON.parse(part) as WatcherLine);
    });
  }

  static async start(
    name: string,
    options: { service: string; endpoints: readonly string[]; cacheFile?: string; connectTimeoutMs?: number },
  ): Promise<WatcherProcess> {
    const child = spawnTracked(process.execPath, [fixture, JSON.stringify(options)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const watcher = new WatcherProcess(name, child);
    await watcher.waitFor((l) => l.event === 'started', 'start', 30_000);
    return watcher;
  }

  /** The changes seen so far, as [key, value] pairs in the order they arrived. */
  changes(key?: string): { key: string; value: unknown; revision: number }[] {
    return this.lines
      .filter((l) => l.event === 'change' && (key === undefined || l['key'] === key))
      .map((l) => ({ key: l['key'] as string, value: l['value'], revision: l['revision'] as number }));
  }

  events(event: WatcherLine['event']): WatcherLine[] {
    return this.lines.filter((l) => l.event === event);
  }

  /** Waits for a line matching `match` (also one printed earlier) and returns it. */
  async waitFor(
    match: (line: WatcherLine) => boolean,
    what: string,
    timeoutMs = 20_000,
  ): Promise<WatcherLine> {
    try {
      return await waitFor(
        () => {
          if (this.child.exitCode !== null)
            throw new Error(`${this.name} exited with ${this.child.exitCode}`);
          return this.lines.find(match);
        },
        { timeoutMs, intervalMs: 20, what: `${this.name}: ${what}` },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ${this.name} output ---\n${this.output()}`);
    }
  }

  /** Asks the process for its live values. */
  async snapshot(): Promise<{ stale: boolean; snapshot: Record<string, unknown> }> {
    const before = this.events('snapshot').length;
    this.child.stdin!.write('snapshot\n');
    await waitFor(() => this.events('snapshot').length > before, {
      timeoutMs: 5000,
      what: `${this.name} snapshot`,
    });
    const line = this.events('snapshot')[before]!;
    return { stale: line['stale'] as boolean, snapshot: line['snapshot'] as Record<string, unknown> };
  }

  get log(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 'SIGTERM', 3000);
  }
}
