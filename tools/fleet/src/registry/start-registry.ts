import { join } from 'node:path';
import type { ManagedProcess, ProcessSpec } from '../supervisor/managed-process.js';
import type { FleetPaths } from '../paths.js';
import { isPortFree, LOOPBACK, PortInUseError } from '../ports.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { registryMemberCommand } from './registry-command.js';
import { clientUrl, planRegistry, type RegistryKind } from './registry-plan.js';
import { waitRegistryReady } from './wait-registry.js';

/** Between SIGTERM and SIGKILL; a member normally stops in well under a second. */
const REGISTRY_GRACE_MS = 10_000;

export interface StartRegistryOptions {
  kind: RegistryKind;
  members: number;
  paths: FleetPaths;
  startTimeoutMs: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Starts the registry's members together (they elect a leader among themselves) and waits until each serves. */
export interface StartedMember {
  name: string;
  /** Its client URL. */
  address: string;
  spec: ProcessSpec;
  process: ManagedProcess;
}

/** The supervisor layer of the store members. */
export const registryLayer = (kind: RegistryKind) => (kind === 'store' ? 'flotilla-store' : 'etcd');

export async function startRegistry(
  supervisor: Supervisor,
  options: StartRegistryOptions,
): Promise<StartedMember[]> {
  const { kind, paths, log } = options;
  const plan = await planRegistry(kind, paths.registryDir, options.members);
  for (const m of plan.members) {
    for (const port of [m.clientPort, m.peerPort]) {
      if (!(await isPortFree(port))) {
        throw new PortInUseError(
          `cannot listen on ${LOOPBACK}:${port}: port already in use (${m.name} keeps its ports between runs). ` +
            `Stop what listens there, or start over with new ports and empty data: npm run fleet -- --fresh${kind === 'etcd' ? ' --etcd' : ''}`,
        );
      }
    }
  }
  const label = registryLayer(kind);
  log(
    `starting ${label}, ${plan.members.length} members (${plan.reused ? 'restarting with the data' : 'new data dirs'} in ${paths.registryDir})...`,
  );
  const endpointOf = new Map(plan.members.map((m) => [m.name, clientUrl(m)]));
  const processes = supervisor.startLayer(
    label,
    plan.members.map((m) => ({
      name: m.name,
      ...registryMemberCommand(plan, m),
      logFile: join(paths.logs, `${m.name}.log`),
    })),
    { graceMs: REGISTRY_GRACE_MS, oneAtATime: true },
  );
  const members = processes.map((p) => ({
    name: p.spec.name,
    address: endpointOf.get(p.spec.name) ?? '',
    spec: p.spec,
    process: p,
  }));
  await waitRegistryReady(
    processes.map((process, i) => ({ endpoint: members[i]?.address ?? '', process })),
    options.startTimeoutMs,
    options.signal,
  );
  for (const m of members) log(`${m.name} serving on ${m.address} (pid ${m.process.pid})`);
  return members;
}
