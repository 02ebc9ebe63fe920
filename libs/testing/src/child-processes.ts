import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';

const live = new Set<ChildProcess>();
/** Children started as the leader of their own process group: signals go to the whole group. */
const groups = new WeakSet<ChildProcess>();
let reaperInstalled = false;

/** Sends `signal` to the child, or to its whole process group if it leads one. */
function signalChild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (groups.has(child) && child.pid !== undefined) {
    try {
      process.kill(-child.pid, signal);
      return;
    } catch {
      // The group is gone already; fall through to the child itself.
    }
  }
  child.kill(signal);
}

/**
 * Kills every child still alive when this process exits, however it exits, so no etcd or service
 * outlives a test run that crashed or was interrupted. A signal that the program handles itself
 * (e.g. a graceful Ctrl-C) is left to it: its own exit then runs the 'exit' hook. Only a signal
 * nobody else listens for, which would end the process without an 'exit' event, is acted on here.
 */
function installReaper(): void {
  if (reaperInstalled) return;
  reaperInstalled = true;
  process.on('exit', () => {
    for (const child of live) signalChild(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;
      for (const child of live) signalChild(child, 'SIGKILL');
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

export interface TrackedSpawnOptions extends SpawnOptions {
  /**
   * Start the child as the leader of a new process group, so that stopping it (and the exit hook)
   * also reaches the processes it started, even if it is killed before it can stop them itself.
   */
  processGroup?: boolean;
}

/** `spawn`, plus tracking so the child (or its process group) is killed if this process exits first. */
export function spawnTracked(
  command: string,
  args: string[],
  options: TrackedSpawnOptions = {},
): ChildProcess {
  installReaper();
  const { processGroup, ...spawnOptions } = options;
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...spawnOptions,
    ...(processGroup ? { detached: true } : {}),
  });
  if (processGroup) groups.add(child);
  live.add(child);
  child.once('exit', () => {
    live.delete(child);
    // Whatever the group leader left behind goes with it.
    if (groups.has(child) && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Nothing left in the group.
      }
    }
  });
  child.once('error', () => live.delete(child));
  return child;
}

/** Resolves once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Sends `signal`, and SIGKILL if the child is still alive after `graceMs`; resolves on exit. */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 5000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  signalChild(child, signal);
  const timer = setTimeout(() => signalChild(child, 'SIGKILL'), graceMs);
  try {
    await done;
  } finally {
    clearTimeout(timer);
  }
}

/** How many tracked children are still alive (for leak assertions in tests). */
export function liveChildCount(): number {
  return live.size;
}

/** Collects a child's output, so a failure can show what it printed. */
export function captureOutput(child: ChildProcess, limit = 64 * 1024): () => string {
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-limit);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text;
}
