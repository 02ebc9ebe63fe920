export { Discovery, createDiscovery, type DiscoveryOptions } from './discovery.js';
export type { EtcdConnectionOptions, EtcdTlsOptions } from './etcd/etcd-options.js';
export { DiscoveryError, InvalidArgumentError, EtcdUnavailableError, EtcdAuthError } from './errors.js';
export {
  DEFAULT_PREFIX,
  encodeEndpointValue,
  decodeEndpointValue,
  decodeEndpoint,
  instanceKey,
  serviceKeyPrefix,
  type EndpointMetadata,
  type ServiceEndpoint,
} from './naming/endpoint-codec.js';
export { parseHostPort, type HostPort } from './naming/validate.js';
export type {
  Registration,
  RegistrationState,
  RegistrationEvents,
  RegisterOptions,
} from './registrar/registrar.js';
export type { BackoffOptions } from './registrar/backoff.js';
export {
  deregisterGracefully,
  type GracefulDeregistrationOptions,
  type ShutdownStep,
} from './registrar/graceful-deregistration.js';
export { registerEtcdResolver, type EtcdResolverOptions } from './grpc/resolver-etcd.js';
export * as grpcExperimental from './grpc/grpc-experimental.js';
