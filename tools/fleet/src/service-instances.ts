import { join } from 'node:path';
import type { ServiceDefinition } from './definition/fleet-definition.js';
import { freePorts, isPortFree, LOOPBACK, PortInUseError } from './ports.js';
import { REPO_ROOT } from './paths.js';
import type { ProcessSpec } from './supervisor/managed-process.js';

export interface ServiceInstance {
  service: string;
  instanceId: string;
  /** 1-based: <service>-<index>. */
  index: number;
  address: string;
  spec: ProcessSpec;
}

export interface InstanceContext {
  /** The registry's client URLs. */
  registry: string[];
  logDir: string;
  stateDir: string;
  /** The definition file, to say where to change a port. */
  definitionFile: string;
}

/**
 * A port for each of instances `indexes` of a service: base + index - 1 for fixed ports (checked first, so a
 * taken one stops the fleet with what to do rather than a service's stack trace), else free ones.
 */
export async function pickPorts(
  service: ServiceDefinition,
  indexes: number[],
  definitionFile: string,
): Promise<{ index: number; port: number }[]> {
  if (service.port.mode === 'free') {
    const free = await freePorts(indexes.length);
    return free.flatMap((port, k) => (indexes[k] === undefined ? [] : [{ index: indexes[k], port }]));
  }
  const base = service.port.base;
  const ports = indexes.map((index) => ({ index, port: base + index - 1 }));
  for (const { index, port } of ports) {
    if (!(await isPortFree(port))) {
      throw new PortInUseError(
        `cannot listen on ${LOOPBACK}:${port}: port already in use (wanted by ${service.name}-${index}). ` +
          `Stop what listens there, or change the port of "${service.name}" in ${definitionFile} ` +
          `(a fixed base uses base..base+${service.instances - 1}; {"mode": "free"} picks free ports).`,
      );
    }
  }
  return ports;
}

/**
 * One process of a service, `<name>-<index>`, told (with @flotilla/nest's standard flags) its port,
 * instance id and the registry to register in, and where the fleet keeps its state.
 */
export function planInstance(
  service: ServiceDefinition,
  index: number,
  port: number,
  context: InstanceContext,
): ServiceInstance {
  const instanceId = `${service.name}-${index}`;
  return {
    service: service.name,
    instanceId,
    index,
    address: `${LOOPBACK}:${port}`,
    spec: {
      name: instanceId,
      command: process.execPath,
      args: [
        join(REPO_ROOT, service.main),
        '--host',
        LOOPBACK,
        '--port',
        String(port),
        '--service-name',
        service.name,
        '--instance-id',
        instanceId,
        '--registry',
        context.registry.join(','),
      ],
      env: { ...service.env, FLOTILLA_FLEET_STATE_DIR: context.stateDir },
      logFile: join(context.logDir, `${instanceId}.log`),
    },
  };
}
