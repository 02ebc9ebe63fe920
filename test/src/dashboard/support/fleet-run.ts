import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureOutput, spawnTracked, stopChild, waitFor } from '@flotilla/testing';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const FLEET_MAIN = join(REPO, 'tools/fleet/dist/main.js');
export const FLOTILLA_CLI = join(REPO, 'tools/cli/dist/main.js');

/** The part of <state dir>/fleet.json these tests read. */
export interface FleetStateFile {
  pid: number;
  registry: string[];
  control: string;
  dashboard: string | null;
  gateway: string | null;
  store: { name: string; address: string; pid: number; state: string }[];
  services: Record<
    string,
    { instanceId: string; address: string; pid: number; state: string; metrics?: string }[]
  >;
}

export interface ServiceSpec {
  name: string;
  instances: number;
  kind?: 'http';
  dependsOn: string[];
}

/** A reduced sample fleet: the apps as fleet.json runs them, on free ports, fewer instances. */
export function sampleFleet(storeMembers: number, services: ServiceSpec[]): object {
  return {
    store: { members: storeMembers },
    services: services.map((s) => ({
      name: s.name,
      project: s.name,
      main: `apps/${s.name}/dist/main.js`,
      ...(s.kind ? { kind: s.kind } : {}),
      instances: s.instances,
      port: { mode: 'free' },
      dependsOn: s.dependsOn,
    })),
  };
}

export interface FleetRun {
  stateDir: string;
  state(): FleetStateFile;
  output(): string;
  /** Ctrl-C's path (SIGTERM), then SIGKILL to any process group the fleet left, then the temp dir. */
  stop(): Promise<void>;
}

/** Fails early, naming the build, when something the fleet runs is not built. */
function assertBuilt(definition: object): void {
  const mains = [FLEET_MAIN, join(REPO, 'apps/store/dist/main.js')];
  for (const s of (definition as { services: { main: string }[] }).services) mains.push(join(REPO, s.main));
  const missing = mains.filter((m) => !existsSync(m));
  if (missing.length)
    throw new Error(`not built: ${missing.join(', ')}; run npx nx run-many -t build (npm test does) first`);
}

/**
 * Starts `npm run fleet` (its built main, no build step, piped: no TTY) on `definition` in a temp
 * state dir and waits until it is ready. Every pid it ever reports is remembered, so that stop()
 * leaves nothing behind even if the fleet itself was killed.
 */
export async function startFleetRun(definition: object, extraArgs: string[] = []): Promise<FleetRun> {
  assertBuilt(definition);
  const root = mkdtempSync(join(tmpdir(), 'flotilla-fleet-run-'));
  const stateDir = join(root, 'state');
  const definitionFile = join(root, 'fleet.json');
  writeFileSync(definitionFile, JSON.stringify(definition, null, 2));
  const child: ChildProcess = spawnTracked(
    process.execPath,
    [FLEET_MAIN, '--definition', definitionFile, '--state-dir', stateDir, '--no-build', ...extraArgs],
    { processGroup: true },
  );
  const output = captureOutput(child);
  const pids = new Set<number>();
  const state = (): FleetStateFile => {
    const s = JSON.parse(readFileSync(join(stateDir, 'fleet.json'), 'utf8')) as FleetStateFile;
    for (const m of s.store) pids.add(m.pid);
    for (const i of Object.values(s.services).flat()) pids.add(i.pid);
    return s;
  };
  const stop = async () => {
    try {
      if (existsSync(join(stateDir, 'fleet.json'))) state();
    } catch {
      // Half-written or gone: the pids seen before will do.
    }
    await stopChild(child, 'SIGTERM', 30_000);
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitFor(() => output().includes('fleet ready') || child.exitCode !== null, {
      timeoutMs: 150_000,
      intervalMs: 200,
      what: 'the fleet to be ready',
    });
    if (!output().includes('fleet ready')) throw new Error(`the fleet did not start:\n${output()}`);
    state();
  } catch (error) {
    await stop();
    throw error;
  }
  return { stateDir, state, output, stop };
}

/** POSTs to the fleet's control API; resolves with the answer's body. */
export async function control(run: FleetRun, path: string): Promise<unknown> {
  const response = await fetch(new URL(path, run.state().control), { method: 'POST' });
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}
