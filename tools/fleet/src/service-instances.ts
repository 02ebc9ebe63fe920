import { join } from 'node:path';
import type { ServiceDefinition } from './definition/fleet-definition.js';
import { freePorts, isPortFree, LOOPBACK, PortInUseError } from './ports.js';
import { REPO_ROOT } from './paths.js';
import type { ProcessSpec } from './supervisor/managed-process.js';

/** @flotilla/telemetry serves Prometheus metrics on 127.0.0.1 at this port when it is set. */
const METRICS_PORT_ENV = 'FLOTILLA_METRICS_PORT';

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

/** The ports one instance gets: its own, and (gRPC services) a free one for its Prometheus metrics. */
export interface InstancePorts {
  index: number;
  port: number;
  metricsPort?: number;
}

/**
 * A port for each of instances `indexes` of a service: base + index - 1 for fixed ports (checked first, so a
 * taken one stops the fleet with what to do rather than a service's stack trace), else free ones. A gRPC
 * service's instances also get a free metrics port each (FLOTILLA_METRICS_PORT, served by @flotilla/telemetry).
 */
export async function pickPorts(
  service: ServiceDefinition,
  indexes: number[],
  definitionFile: string,
): Promise<InstancePorts[]> {
  const metrics = service.kind === 'grpc' ? indexes.length : 0;
  // One call for all the free ports, so that none repeats.
  const free = await freePorts((service.port.mode === 'free' ? indexes.length : 0) + metrics);
  const metricsPorts = free.splice(free.length - metrics, metrics);
  const withMetrics = (ports: { index: number; port: number }[]): InstancePorts[] =>
    ports.map((p, k) => (metricsPorts[k] === undefined ? p : { ...p, metricsPort: metricsPorts[k] }));
  if (service.port.mode === 'free') {
    return withMetrics(
      free.flatMap((port, k) => (indexes[k] === undefined ? [] : [{ index: indexes[k], port }])),
    );
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
  return withMetrics(ports);
}

/** The Prometheus endpoint an instance was told to serve (FLOTILLA_METRICS_PORT), for fleet.json. */
export function metricsOf(spec: ProcessSpec): { metrics?: string } {
  const port = spec.env?.[METRICS_PORT_ENV];
  return port ? { metrics: `http://${LOOPBACK}:${port}/metrics` } : {};
}

/**
 * One process of a service, `<name>-<index>`, told (with @flotilla/nest's standard flags) its port,
 * instance id and the registry to register in, and where the fleet keeps its state; with
 * `metricsPort`, also where to serve its metrics.
 */
export function planInstance(
  service: ServiceDefinition,
  index: number,
  port: number,
  context: InstanceContext,
  metricsPort?: number,
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
      env: {
        ...service.env,
        FLOTILLA_FLEET_STATE_DIR: context.stateDir,
        ...(metricsPort === undefined ? {} : { [METRICS_PORT_ENV]: String(metricsPort) }),
      },
      logFile: join(context.logDir, `${instanceId}.log`),
    },
  };
}
