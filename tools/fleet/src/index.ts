export { startFleet, type RunningFleet, type FleetMember } from './fleet.js';
export { parseFleetArgs, type FleetConfig } from './fleet-config.js';
