import { BuildFailed, buildProjects, missingMains } from '../build/build-projects.js';
import {
  type FleetDefinition,
  FleetDefinitionError,
  type ServiceDefinition,
} from '../definition/fleet-definition.js';
import { loadFleetDefinition } from '../definition/load-definition.js';
import { displayPath } from '../paths.js';
import { ControlError } from './control-errors.js';

/**
 * The definition of a service the running fleet does not know, read again from the definition
 * file (a service generated while the fleet runs is only there). The file is validated as at
 * start-up; the service's dependencies must be services the fleet already runs, since they start
 * first.
 */
export function readNewService(
  name: string,
  running: FleetDefinition,
  definitionFile: string,
): ServiceDefinition {
  const shown = displayPath(definitionFile);
  let fresh: FleetDefinition;
  try {
    fresh = loadFleetDefinition(definitionFile);
  } catch (error) {
    if (!(error instanceof FleetDefinitionError)) throw error;
    throw new ControlError(
      409,
      `"${name}" is not a service of this fleet, and ${shown}, read again for it, has errors:\n${error.message}`,
    );
  }
  const service = fresh.services.find((s) => s.name === name);
  if (!service) {
    throw new ControlError(
      404,
      `no service "${name}" in this fleet (it has ${running.services.map((s) => s.name).join(', ')}) ` +
        `nor in ${shown}: add it there (npx nx g @flotilla/generators:service ${name} does), then scale it`,
    );
  }
  const known = new Set(running.services.map((s) => s.name));
  const missing = service.dependsOn.filter((dep) => !known.has(dep));
  if (missing.length > 0) {
    throw new ControlError(
      409,
      `"${name}" depends on ${missing.join(', ')}, which this fleet does not run: scale ${missing.join(', ')} up first`,
    );
  }
  return service;
}

/**
 * Builds a joining service's project if stale (Nx's cache, as the start-up build), unless the
 * fleet runs with --no-build; then its entry point must exist. A failure carries Nx's last lines.
 */
export async function buildNewService(
  service: ServiceDefinition,
  build: boolean,
  definitionFile: string,
): Promise<void> {
  if (build) {
    const output: string[] = [];
    try {
      await buildProjects([service.project], (line) => output.push(line));
    } catch (error) {
      if (!(error instanceof BuildFailed)) throw error;
      throw new Error(
        `building ${service.project} for "${service.name}" failed (npx nx run ${service.project}:build shows why); ` +
          `fix it and scale again. Nx's last lines:\n${output.slice(-20).join('\n')}`,
      );
    }
  }
  const [missing] = missingMains({ store: { members: 1 }, services: [service] }, displayPath(definitionFile));
  if (missing) throw new ControlError(409, missing);
}
