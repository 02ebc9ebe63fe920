export { createClient, type CreateClientOptions } from './client/create-client.js';
export type {
  BidiCall,
  BidiMethod,
  CallOptions,
  ClientControl,
  ClientMethod,
  ClientStats,
  ClientStreamMethod,
  DeepPartial,
  MethodShape,
  RequestInput,
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
  type ResolvedRetryConfig,
  type ServiceRpcConfig,
  type StatusName,
  STATUS_NAMES,
} from './config/rpc-config.js';
export { LB_TYPE_OF_POLICY, registerLoadBalancers } from './balancer/register-policies.js';
export type { EndpointSnapshot } from './balancer/endpoint-state.js';
export type { BreakerState } from './breaker/endpoint-breaker.js';
export { BREAKER_COUNTED_CODES, countsAgainstEndpoint } from './breaker/breaker-codes.js';
export {
  currentDeadline,
  deadlineScopesNeeded,
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
  type ServerCallHook,
  type ServerCallInfo,
  type ServerCallScope,
  type ServerInterceptor,
} from './interceptors/server-interceptors.js';
export {
  encodeStatusDetails,
  decodeStatusDetails,
  encodeErrorInfo,
  decodeErrorInfo,
  errorInfoOf,
  richStatusOf,
  STATUS_DETAILS_KEY,
  ERROR_INFO_TYPE_URL,
  type ErrorInfo,
  type RichStatus,
  type AnyMessage,
} from './errors/status-details.js';
export { SHED_METADATA_KEY, SHED_REASON, FLOTILLA_ERROR_DOMAIN, wasShed } from './retry/load-shed-signal.js';
export {
  findService,
  idempotentMethods,
  requestFromPartials,
  type ProtoSchema,
  type FileDescriptorShape,
  type ServiceDescriptorShape,
  type MethodDescriptorShape,
  type FromPartial,
} from './schema/proto-schema.js';
