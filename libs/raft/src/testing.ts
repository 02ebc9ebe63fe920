export { createSimCluster, SIM_TICK_MS } from './testing/sim-cluster.js';
export type {
  Committed,
  LeaderCrashSchedule,
  ServerState,
  SimCluster,
  SimClusterExt,
  SimClusterOptions,
  StartResult,
} from './testing/sim-types.js';
export { createRng, type Rng } from './core/rng.js';
export { SafetyChecker } from './testing/safety-checker.js';
