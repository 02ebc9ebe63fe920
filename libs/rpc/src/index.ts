export { createClient, type CreateClientOptions } from './client/create-client.js';
export type {
  BidiCall,
  BidiMethod,
  CallOptions,
  ClientControl,
  ClientMethod,
  ClientStats,
  ClientStreamMethod,
  MethodShape,
  RequestOf,
  ResponseOf,
  ServerStreamCall,
  ServerStreamMethod,
  ServiceShape,
  TypedClient,
  UnaryMethod,
} from './client/client-types.js';
export { rpcError, isServiceError } from './client/rpc-error.js';
export { idempotentMethodsFromProto } from './client/method-options.js';
export { parseStaticList, STATIC_SCHEME } from './client/targets.js';
export {
  DEFAULT_RPC_CONFIG,
  resolveRpcConfig,
  RpcConfigError,
  type BreakerConfig,
  type EwmaConfig,
  type HedgingConfig,
  type MethodConfig,
  type PolicyName,
  type ResolvedRpcConfig,
  type RetryBudgetConfig,
  type RetryConfig,
  type ServiceRpcConfig,
} from './config/rpc-config.js';
export { LB_TYPE_OF_POLICY, registerLoadBalancers } from './balancer/register-policies.js';
export type { EndpointSnapshot } from './balancer/endpoint-state.js';
export type { BreakerState } from './breaker/endpoint-breaker.js';
export { BREAKER_COUNTED_CODES, countsAgainstEndpoint } from './breaker/breaker-codes.js';
export {
  currentDeadline,
  outgoingDeadline,
  remainingTimeMs,
  runWithDeadline,
} from './deadline/deadline-propagation.js';
export {
  callObserverInterceptor,
  metadataInterceptor,
  type CallKind,
  type ClientCallEvent,
  type ClientCallInfo,
  type ClientCallOutcome,
  type ClientInterceptor,
  type GrpcClientInterceptor,
} from './interceptors/client-interceptors.js';
export {
  deadlineServerInterceptor,
  serverCallObserver,
  type ServerCallEvent,
  type ServerInterceptor,
} from './interceptors/server-interceptors.js';
