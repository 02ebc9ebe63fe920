import type { Discovery } from '@flotilla/discovery';
import type { ServiceDefinition } from './definition/fleet-definition.js';
import type { FleetMember } from './fleet-member.js';
import { exitedMessage } from './log-tail.js';
import { planInstances } from './service-instances.js';
import type { Supervisor } from './supervisor/supervisor.js';
import { waitUntil } from './wait-until.js';

/** Between SIGTERM and SIGKILL. A greeter needs about 1.5 s (deregister, drain 1 s, close). */
const SERVICE_GRACE_MS = 10_000;

export interface StartServiceOptions {
  /** The registry: instances register in it, and the fleet watches them appear there. */
  discovery: Discovery;
  logDir: string;
  startTimeoutMs: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Starts a service's instances and waits until every one is registered, i.e. callable by name. */
export async function startService(
  supervisor: Supervisor,
  service: ServiceDefinition,
  options: StartServiceOptions,
): Promise<FleetMember[]> {
  const { discovery, log } = options;
  const instances = await planInstances(service, [...discovery.endpoints], options.logDir);
  log(`starting ${service.name} x${instances.length}...`);
  const processes = supervisor.startLayer(
    service.name,
    instances.map((i) => i.spec),
    { graceMs: SERVICE_GRACE_MS },
  );
  // An instance registers once it is SERVING.
  await waitUntil(
    async () => {
      const registered = new Set((await discovery.list(service.name)).map((e) => e.instanceId));
      return instances.every((i) => registered.has(i.instanceId));
    },
    {
      timeoutMs: options.startTimeoutMs,
      what: `${instances.map((i) => i.instanceId).join(', ')} to register in the registry`,
      signal: options.signal,
      failed: () => processes.map((p) => exitedMessage(p)).find((m) => m !== undefined),
    },
  );
  const addressOf = new Map(instances.map((i) => [i.instanceId, i.address]));
  const members = processes.map((p) => ({
    name: p.spec.name,
    address: addressOf.get(p.spec.name) ?? '',
    pid: p.pid,
    logFile: p.spec.logFile,
  }));
  for (const m of members) log(`${m.name} serving on ${m.address} (pid ${m.pid}), registered`);
  return members;
}
