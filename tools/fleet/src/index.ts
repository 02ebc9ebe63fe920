export { startFleet, RunningFleet, type StartFleetOptions } from './fleet.js';
export { toFleetConfig, type FleetConfig } from './fleet-config.js';
export {
  parseFleetDefinition,
  startOrder,
  FleetDefinitionError,
  type FleetDefinition,
  type FleetDefinitionInput,
  type ServiceDefinition,
} from './definition/fleet-definition.js';
export { loadFleetDefinition } from './definition/load-definition.js';
export { readFleetState, type FleetState, type InstanceRecord, type InstanceState } from './fleet-state.js';
export { EVENT_KINDS, type FleetEvent } from './fleet-events.js';
