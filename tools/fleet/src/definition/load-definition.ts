import { readFileSync } from 'node:fs';
import { displayPath } from '../paths.js';
import { type FleetDefinition, FleetDefinitionError, parseFleetDefinition } from './fleet-definition.js';

/** Reads and validates a fleet definition file; every error names the file. */
export function loadFleetDefinition(file: string): FleetDefinition {
  const shown = displayPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FleetDefinitionError(
      code === 'ENOENT'
        ? `no fleet definition at ${shown}: create it (see fleet.json in the repository root) or pass --definition <file>`
        : `cannot read the fleet definition ${shown}: ${(error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FleetDefinitionError(`${shown} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseFleetDefinition(json);
  } catch (error) {
    if (error instanceof FleetDefinitionError) throw new FleetDefinitionError(`${shown}: ${error.message}`);
    throw error;
  }
}
