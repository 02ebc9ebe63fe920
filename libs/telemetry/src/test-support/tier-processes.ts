import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { captureOutput, spawnTracked, stopChild, waitFor } from '@flotilla/testing';

/** The tier service's build output (`nx run telemetry:build-fixtures`), run with plain Node. */
export const TIER_MAIN = fileURLToPath(new URL('../../dist/fixtures/tier-service.js', import.meta.url));

export interface TierProcess {
  readonly name: string;
  readonly address: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export interface TierOptions {
  name: string;
  port: number;
  /** The tier it calls: by name through the registry, or at a static `host:port` when `target` is given. */
  next?: { name: string; target?: string };
  /** Registry endpoints: the tier registers there (and resolves `next` there without a target). */
  registry?: readonly string[];
  env?: Record<string, string>;
}

/** Starts a tier; resolves once it serves (its health service says SERVING in its log, after registering). */
export async function startTier(options: TierOptions): Promise<TierProcess> {
  if (!existsSync(TIER_MAIN))
    throw new Error(`${TIER_MAIN} is missing: run npx nx run telemetry:build-fixtures`);
  const child = spawnTracked(process.execPath, [TIER_MAIN], {
    env: {
      ...process.env,
      TIER_NAME: options.name,
      ...(options.next ? { TIER_NEXT: options.next.name } : {}),
      ...(options.next?.target ? { TIER_NEXT_TARGET: options.next.target } : {}),
      // No drain at stop: the test stops callers first, so nobody is left to move away.
      ...(options.registry ? { FLOTILLA_REGISTRY: options.registry.join(','), FLOTILLA_DRAIN_MS: '0' } : {}),
      FLOTILLA_PORT: String(options.port),
      FLOTILLA_HOST: '127.0.0.1',
      FLOTILLA_LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  const output = captureOutput(child);
  const tier: TierProcess = {
    name: options.name,
    address: `127.0.0.1:${options.port}`,
    child,
    output,
    stop: () => stopChild(child, 'SIGTERM', 10_000),
  };
  try {
    await waitFor(
      () =>
        child.exitCode !== null
          ? Promise.reject(new Error(`tier ${options.name} exited (${child.exitCode}):\n${output()}`))
          : output().includes('"msg":"SERVING"'),
      { timeoutMs: 60_000, intervalMs: 25, what: `tier ${options.name} to serve` },
    );
  } catch (error) {
    await tier.stop();
    throw error;
  }
  return tier;
}
