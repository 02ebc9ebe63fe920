import { join } from 'node:path';
import type { ServiceDefinition } from './definition/fleet-definition.js';
import { freePorts, isPortFree, LOOPBACK, PortInUseError } from './ports.js';
import { REPO_ROOT } from './paths.js';
import type { ProcessSpec } from './supervisor/managed-process.js';

export interface ServiceInstance {
  service: string;
  instanceId: string;
  address: string;
  spec: ProcessSpec;
}

/**
 * The processes of one service: `<name>-1..n`, each told (with @flotilla/nest's standard flags) its
 * port, instance id and the registry to register in. Fixed ports are checked first, so a taken one
 * stops the fleet with what to do rather than with a service's stack trace.
 */
export async function planInstances(
  service: ServiceDefinition,
  registry: string[],
  logDir: string,
): Promise<ServiceInstance[]> {
  let ports: number[];
  if (service.port.mode === 'fixed') {
    const base = service.port.base;
    ports = Array.from({ length: service.instances }, (_, i) => base + i);
    for (const [i, port] of ports.entries()) {
      if (!(await isPortFree(port))) {
        throw new PortInUseError(
          `cannot listen on ${LOOPBACK}:${port}: port already in use (wanted by ${service.name}-${i + 1}). ` +
            `Stop what listens there, or pick other ports: npm run fleet -- --greeter-port <base> (uses base..base+${service.instances - 1}), or leave it out for free ports.`,
        );
      }
    }
  } else {
    ports = await freePorts(service.instances);
  }
  return ports.map((port, i) => {
    const instanceId = `${service.name}-${i + 1}`;
    return {
      service: service.name,
      instanceId,
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
          registry.join(','),
        ],
        env: service.env,
        logFile: join(logDir, `${instanceId}.log`),
      },
    };
  });
}
