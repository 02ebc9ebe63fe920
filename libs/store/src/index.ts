export * from './rpc-errors.js';
export * from './mvcc/types.js';
export * from './mvcc/errors.js';
export { MvccStore, type MvccStoreOptions, type MemoryStats } from './mvcc/mvcc-store.js';
export type { EventsSinceOptions } from './mvcc/events.js';
export { type Lease, NO_LEASE, MAX_LEASE_TTL, DEFAULT_MIN_LEASE_TTL } from './mvcc/lessor.js';
export { generatedLeaseId } from './mvcc/lease-id.js';
export { INITIAL_REVISION, NOT_COMPACTED } from './mvcc/revision.js';
export {
  DEFAULT_MAX_TXN_OPS,
  checkRangeRequest,
  checkPutRequest,
  checkDeleteRangeRequest,
  checkTxnRequest,
} from './mvcc/request-checks.js';
export { prefixRangeEnd, toKeyRange, keyInRange, type KeyRange } from './mvcc/key-range.js';
export {
  StoreStateMachine,
  type ApplyOutcome,
  type StoreStateMachineHooks,
} from './state-machine/store-state-machine.js';
export {
  encodeStoreCommand,
  decodeStoreCommand,
  type StoreCommand,
  type MemberAttributes,
} from './state-machine/store-command.js';
export { MemberTable, nodeIdOf, memberIdOf, type Member } from './state-machine/member-table.js';
export { WatchHub, type WatchSpec, type WatchSink } from './watch/watch-hub.js';
export { LeaseKeeper } from './lease/lease-keeper.js';
export { StoreNode, type StoreIdentity, type StoreNodeOptions } from './server/store-node.js';
export { StoreServer, StoreStartError, type StoreServerOptions } from './server/store-server.js';
export { STORE_API_VERSION } from './server/maintenance-service.js';
export { initialClusterId, initialMemberId } from './server/cluster-identity.js';
