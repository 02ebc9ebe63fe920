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
  GracefulDeregistration,
  type GracefulDeregistrationOptions,
  type ShutdownStep,
} from './registrar/graceful-deregistration.js';
export {
  registerEtcdResolver,
  etcdChannelOptions,
  defaultEtcdDiscovery,
  ETCD_SCHEME,
  type EtcdResolverOptions,
} from './grpc/resolver-etcd.js';
export { DISCOVERY_CHANNEL_OPTION } from './grpc/resolver-registry.js';
export {
  registerNameResolver,
  endpointMetadata,
  endpointRegistration,
  type NameResolver,
  type NameResolverFactory,
  type ResolutionSink,
  type ResolvedAddress,
  type ResolveTarget,
} from './grpc/grpc-experimental.js';
