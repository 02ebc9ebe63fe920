export { startFleet, type RunningFleet, type FleetMember } from './fleet.js';
export { parseFleetArgs, type FleetConfig } from './fleet-config.js';
export {
  parseFleetDefinition,
  startOrder,
  FleetDefinitionError,
  type FleetDefinition,
  type FleetDefinitionInput,
  type ServiceDefinition,
} from './definition/fleet-definition.js';
export { defaultFleet } from './definition/default-fleet.js';
