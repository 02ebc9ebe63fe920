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
// The server-loop simulator (real RaftServers on simulated disk, clock and network), for
// simulating applications on top of Raft, e.g. the store's state machine.
export {
  runServerSim,
  type ServerSimProfile,
  type ServerSimRunOptions,
  type ServerSimRunResult,
} from './sim/server-fault-schedule.js';
export {
  ServerSimCluster,
  ServerSimFailure,
  slotId,
  type ProposalResult,
  type ReadBarrierResult,
} from './testing/server-sim/server-sim-cluster.js';
export type { ServerSimOptions, ServerSimStats } from './testing/server-sim/server-sim-types.js';
