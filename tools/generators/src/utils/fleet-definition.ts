import type { Tree } from '@nx/devkit';

/** The fleet definition at the workspace root (tools/fleet reads and validates it). */
export const FLEET_DEFINITION = 'fleet.json';

/** One service entry as the service generator writes it (the fleet tool owns the full schema). */
export interface FleetServiceEntry {
  name: string;
  project: string;
  main: string;
  instances: number;
  port: { mode: 'free' };
  dependsOn: string[];
}

interface FleetDefinitionShape {
  services: { name?: unknown }[];
  [key: string]: unknown;
}

/**
 * The parsed fleet definition, `undefined` when there is none, or an error naming what is wrong
 * with it: read before anything is written, so a broken file stops the generator with the tree
 * untouched.
 */
export function readFleetDefinition(tree: Tree): FleetDefinitionShape | undefined {
  const text = tree.read(FLEET_DEFINITION, 'utf-8');
  if (text === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${FLEET_DEFINITION} is not valid JSON (${(error as Error).message}); fix it and run again`,
    );
  }
  const services = (parsed as { services?: unknown } | null)?.services;
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(services)) {
    throw new Error(`${FLEET_DEFINITION} has no "services" array; fix it and run again`);
  }
  return parsed as FleetDefinitionShape;
}

/** Whether the definition already lists a service named `name`. */
export function fleetHasService(definition: FleetDefinitionShape | undefined, name: string): boolean {
  return definition?.services.some((service) => service.name === name) ?? false;
}

/** Appends `entry` to the definition's services, keeping every other field as it was. */
export function appendFleetService(
  tree: Tree,
  definition: FleetDefinitionShape,
  entry: FleetServiceEntry,
): void {
  const updated = { ...definition, services: [...definition.services, entry] };
  tree.write(FLEET_DEFINITION, `${JSON.stringify(updated, null, 2)}\n`);
}
