export {
  startEtcdCluster,
  type EtcdCluster,
  type EtcdClusterOptions,
  type EtcdMember,
} from './etcd/etcd-cluster.js';
export { etcdBinary } from './etcd/etcd-binary.js';
export {
  REGISTRY_BINARIES,
  REGISTRY_BINARY_ENV,
  registryBinary,
  registryCommand,
  storeMain,
  type RegistryBinary,
} from './etcd/registry-binary.js';
export { etcdGet, etcdPut, etcdUnhealthyReason, type EtcdTls, type EtcdHttpTls } from './etcd/etcd-grpc.js';
export { etcdHttp } from './etcd/etcd-http.js';
export { createTestCertificates, type TestCertificates } from './etcd/test-certificates.js';
export { freePort, freePorts } from './ports.js';
export { waitFor, type WaitOptions } from './wait-for.js';
export {
  spawnTracked,
  stopChild,
  exited,
  liveChildCount,
  captureOutput,
  type TrackedSpawnOptions,
} from './child-processes.js';
export { isProcessAlive } from './process-state.js';
export { checkHealth, waitForServing } from './grpc-health.js';
export * from './linearizability/index.js';
