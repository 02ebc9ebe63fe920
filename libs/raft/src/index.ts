export * from './core/types.js';
export type {
  ForwardedCommand,
  Message,
  MessageType,
  ProposalForward,
  ProposalForwardResponse,
  ReadIndexRequest,
  ReadIndexResponse,
} from './core/messages.js';
export { isRequest, messageSize } from './core/messages.js';
export { DEFAULT_OPTIONS, type RaftOptions } from './core/options.js';
export { createRng, type Rng } from './core/rng.js';
export type { ForwardedProposalResult, Ready } from './core/ready.js';
export type { BootstrapConfig, ConfigChange, ConfigEntry } from './core/config-change.js';
export {
  RaftNode,
  type NodeStatus,
  type PeerStatus,
  type ProposeError,
  type ProposeResult,
  type RaftNodeInit,
  type RestoredState,
} from './core/raft-node.js';
export type { Storage, PersistedState, StorageStats, StorageUpdate } from './interfaces/storage.js';
export type { Transport, MessageHandler } from './interfaces/transport.js';
export type { AppliedConfigChange, StateMachine } from './interfaces/state-machine.js';
export type { Clock, TimerHandle } from './interfaces/clock.js';
export { MemoryStorage } from './memory/memory-storage.js';
export { MemoryNetwork } from './memory/memory-network.js';
export { ManualClock } from './memory/manual-clock.js';
export { SystemClock } from './memory/system-clock.js';
export {
  RaftServer,
  type RaftServerEvents,
  type ProposeOptions,
  type RaftServerOptions,
  type ServerStatus,
  type WaitOptions,
} from './server/raft-server.js';
export {
  ApplyTimeoutError,
  ConfigChangePendingError,
  InvalidConfigChangeError,
  LeadershipTransferInProgressError,
  LearnerNotCaughtUpError,
  NotLeaderError,
  OverloadedError,
  ProposalAbortedError,
  ProposalCoveredBySnapshotError,
  ProposalDroppedError,
  ProposalTimeoutError,
  ReadIndexTimeoutError,
  ServerStoppedError,
  TransferTimeoutError,
} from './server/errors.js';
export { TypedEmitter } from './server/typed-emitter.js';
export { FileStorage, DEFAULT_SEGMENT_BYTES, type FileStorageOptions } from './storage/file-storage.js';
export { CorruptLogError } from './storage/corrupt-log-error.js';
export { DataDirLockedError } from './storage/dir-lock.js';
export { ClusterIdMismatchError } from './storage/cluster-id-file.js';
export { STORAGE_CONTRACT, type StorageHarness, type ContractCase } from './storage/storage-contract.js';
export {
  GrpcTransport,
  type GrpcTransportOptions,
  type TransportStats,
  type ExtraService,
} from './transport/grpc-transport.js';
export type { PeerLinkStats } from './transport/peer-link.js';
export { toWire, fromWire, MessageDecodeError } from './transport/message-codec.js';
export { createGrpcServer } from './transport/grpc-server.js';
