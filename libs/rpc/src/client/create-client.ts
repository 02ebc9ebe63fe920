import {
  type ChannelCredentials,
  type ChannelOptions,
  Client,
  credentials as grpcCredentials,
  Metadata,
} from '@grpc/grpc-js';
import { defaultEtcdDiscovery, type Discovery, ETCD_SCHEME, etcdChannelOptions } from '@flotilla/discovery';
import { createBalancerContext } from '../balancer/balancer-context.js';
import { LB_TYPE_OF_POLICY, registerLoadBalancers } from '../balancer/register-policies.js';
import { type MethodConfig, resolveRpcConfig, type ServiceRpcConfig } from '../config/rpc-config.js';
import { noteClientCreated, outgoingDeadline } from '../deadline/deadline-propagation.js';
import {
  type CallKind,
  type ClientInterceptor,
  type GrpcClientInterceptor,
  outcomeOf,
  startInterceptors,
} from '../interceptors/client-interceptors.js';
import { RetryBudget } from '../retry/retry-budget.js';
import {
  findService,
  type FromPartial,
  idempotentMethods,
  type ProtoSchema,
  requestFromPartials,
} from '../schema/proto-schema.js';
import type {
  CallOptions,
  ClientControl,
  ClientStats,
  MethodShape,
  ServiceShape,
  TypedClient,
} from './client-types.js';
import { idempotentMethodsFromProto } from './method-options.js';
import { bidiStream, clientStream, serverStream, type StreamTarget } from './stream-calls.js';
import { normaliseTarget, registerStaticResolver, serviceNameOfTarget } from './targets.js';
import { runUnary, type UnaryPlan } from './unary-call.js';
import type { UnaryTarget } from './unary-attempt.js';

export interface CreateClientOptions {
  /** Name for config and error messages. Default: `greeter` from `etcd:///greeter`, else the proto service name. */
  serviceName?: string;
  /** This service's settings (validated; see ServiceRpcConfig). */
  config?: ServiceRpcConfig;
  /**
   * ts-proto schemas (`protoMetadata`, generated with `outputSchema=true`) among which is the
   * service's file. With them, requests may be partial (`sayHello({ name: 'Ada' })`: the rest
   * gets proto defaults through the message's `fromPartial`) and idempotency levels are read from
   * the method options; no .proto file is needed at run time.
   */
  schemas?: readonly ProtoSchema[];
  /** The service's `.proto` (e.g. `protoFile('helloworld/v1/greeter.proto')`): idempotency levels are read from it. */
  protoFile?: string;
  /**
   * Resolves `etcd:///` targets through this Discovery (this client's own, whatever other
   * Discovery instances the process has). Without it, the one `registerEtcdResolver` set.
   */
  discovery?: Discovery;
  /** Flotilla interceptors: run once per call (see ClientInterceptor). */
  interceptors?: ClientInterceptor[];
  /** grpc-js interceptors: run on every attempt, inside the channel. */
  grpcInterceptors?: GrpcClientInterceptor[];
  /** Default: insecure (plaintext). */
  credentials?: ChannelCredentials;
  channelOptions?: ChannelOptions;
}

/**
 * A promise-based, fully typed client for a ts-proto service definition, calling `target`:
 * `etcd:///<service>`, `static:///h1:p1,h2:p2`, an array of `host:port`, or any grpc-js target.
 * Calls are balanced by the configured policy (p2c_ewma by default) with a circuit breaker per
 * endpoint, get a deadline (explicit, per-method default, and never beyond the inbound one), and
 * idempotent unary methods are retried on other endpoints within a retry budget (or hedged).
 */
export function createClient<S extends ServiceShape>(
  service: S,
  target: string | readonly string[],
  options: CreateClientOptions & { schemas: readonly ProtoSchema[] },
): TypedClient<S, true>;
export function createClient<S extends ServiceShape>(
  service: S,
  target: string | readonly string[],
  options?: CreateClientOptions,
): TypedClient<S>;
export function createClient<S extends ServiceShape>(
  service: S,
  target: string | readonly string[],
  options: CreateClientOptions = {},
): TypedClient<S, boolean> {
  registerLoadBalancers();
  registerStaticResolver();
  noteClientCreated();

  const address = normaliseTarget(target);
  const methods = Object.entries(service);
  if (methods.length === 0) throw new Error('createClient: the service definition has no methods');
  const fullServiceName = methodParts(methods[0]?.[1].path ?? '').service;
  const serviceName = options.serviceName ?? serviceNameOfTarget(address) ?? fullServiceName;
  const config = resolveRpcConfig(serviceName, options.config ?? {}, {
    fullServiceName,
    methodNames: methods.flatMap(([name, method]) => [methodParts(method.path).method, name]),
  });
  const found = options.schemas ? findService(options.schemas, fullServiceName) : undefined;
  if (options.schemas && !found) {
    throw new Error(
      `createClient: none of the schemas describes ${fullServiceName} (add the protoMetadata of its .proto file)`,
    );
  }
  const fromPartials = found ? requestFromPartials(found.schema, found.service) : undefined;
  const idempotentInProto = found
    ? idempotentMethods(found.service)
    : options.protoFile
      ? idempotentMethodsFromProto(options.protoFile, fullServiceName)
      : new Set<string>();

  const context = createBalancerContext(config);
  const budget = new RetryBudget(config.retryBudget.maxTokens, config.retryBudget.tokenRatio);
  const counters = { retries: 0, transparentRetries: 0, hedges: 0 };
  const client = new Client(address, options.credentials ?? grpcCredentials.createInsecure(), {
    ...options.channelOptions,
    ...resolverOptions(address, options.discovery),
    'grpc.service_config': JSON.stringify({
      loadBalancingConfig: [{ [LB_TYPE_OF_POLICY[config.policy]]: { clientId: context.clientId } }],
    }),
    ...(options.grpcInterceptors?.length ? { interceptors: options.grpcInterceptors } : {}),
  });

  const typed: Record<string, unknown> = {};
  for (const [name, method] of methods) {
    const protoName = methodParts(method.path).method;
    const methodConfig: MethodConfig = config.methods[protoName] ?? config.methods[name] ?? {};
    const streaming = method.requestStream || method.responseStream;
    // Streams run as long as they need unless their method sets a deadline (the call's own, and
    // an inbound deadline, still apply); unary calls default to the service's timeout.
    const timeoutMs = methodConfig.timeoutMs ?? (streaming ? Infinity : config.timeoutMs);
    const idempotent = methodConfig.idempotent ?? idempotentInProto.has(protoName);
    typed[name] = bindMethod(method, fromPartials?.get(protoName), {
      client,
      context,
      budget,
      counters,
      timeoutMs,
      idempotent,
      hedging: methodConfig.hedging === true,
      config,
      interceptors: options.interceptors ?? [],
    });
  }

  const control: ClientControl = {
    $close() {
      client.close();
      context.close();
    },
    $stats(): ClientStats {
      return {
        service: serviceName,
        policy: config.policy,
        endpoints: context.snapshot(),
        ...counters,
        retriesThrottled: budget.throttled,
        budgetTokens: budget.available,
      };
    },
    $waitForReady(deadline: Date) {
      return new Promise((resolve, reject) =>
        client.waitForReady(deadline, (error) => (error ? reject(error) : resolve())),
      );
    },
  };
  return Object.assign(typed, control) as unknown as TypedClient<S, boolean>;
}

/**
 * Points an `etcd:///` channel at its Discovery: this client's own, else the process default. With
 * neither, grpc-js would quietly try DNS on "etcd:///greeter"; say what is missing instead.
 */
function resolverOptions(address: string, discovery: Discovery | undefined): ChannelOptions {
  if (!address.startsWith(`${ETCD_SCHEME}:`)) return {};
  if (discovery) return etcdChannelOptions(discovery);
  if (defaultEtcdDiscovery()) return {};
  throw new Error(
    `createClient: ${address} is resolved through etcd, but no Discovery was given: pass { discovery } (from createDiscovery) or call registerEtcdResolver(discovery) first`,
  );
}

interface Binding {
  client: Client;
  context: ReturnType<typeof createBalancerContext>;
  budget: RetryBudget;
  counters: UnaryPlan['counters'];
  timeoutMs: number;
  idempotent: boolean;
  hedging: boolean;
  config: ReturnType<typeof resolveRpcConfig>;
  interceptors: readonly ClientInterceptor[];
}

/** One typed method. Q and R are the method's request and response types. */
function bindMethod<Q, R>(method: MethodShape, fromPartial: FromPartial | undefined, b: Binding): unknown {
  const encode = method.requestSerialize as (value: Q) => Buffer;
  // With a schema, a request may be partial: fill in the defaults first.
  const serialize = fromPartial ? (value: Q) => encode(fromPartial(value) as Q) : encode;
  const deserialize = method.responseDeserialize as (value: Buffer) => R;
  const stream: StreamTarget<Q, R> = {
    client: b.client,
    context: b.context,
    path: method.path,
    serialize,
    deserialize,
  };
  const deadlineOf = (options: CallOptions | undefined) => outgoingDeadline(options ?? {}, b.timeoutMs);
  const interceptors = b.interceptors;
  const service = b.config.service;
  /** Builds the call's metadata and deadline, and runs the interceptors' start hooks. */
  const begin = (kind: CallKind, options: CallOptions | undefined) => {
    const metadata = toMetadata(options?.metadata);
    const deadline = deadlineOf(options);
    const end = startInterceptors(interceptors, { service, method: method.path, kind, metadata, deadline });
    return { metadata, deadline, end };
  };

  if (!method.requestStream && !method.responseStream) {
    const target: UnaryTarget<Q, R> = {
      ...stream,
      budget: b.budget,
      retryableCodes: b.config.retry.retryableCodes,
    };
    const plan: UnaryPlan = {
      idempotent: b.idempotent,
      hedging: b.hedging && b.idempotent ? b.config.hedging : undefined,
      retry: b.config.retry,
      budget: b.budget,
      counters: b.counters,
    };
    if (interceptors.length === 0) {
      return (request: Q, options?: CallOptions): Promise<R> =>
        runUnary(target, plan, request, toMetadata(options?.metadata), deadlineOf(options), options?.signal);
    }
    return (request: Q, options?: CallOptions): Promise<R> => {
      const call = begin('unary', options);
      return runUnary(
        target,
        plan,
        request,
        call.metadata,
        call.deadline,
        options?.signal,
        (error, endpoint) => {
          if (error === undefined) {
            call.end(0, 'OK', endpoint);
            return;
          }
          const { code, details } = outcomeOf(error);
          call.end(code, details, endpoint);
        },
      );
    };
  }
  if (!method.requestStream) {
    return (request: Q, options?: CallOptions) => {
      const call = begin('server_stream', options);
      return serverStream(stream, request, call.metadata, call.deadline, options?.signal, call.end);
    };
  }
  if (!method.responseStream) {
    return (requests: AsyncIterable<Q> | Iterable<Q>, options?: CallOptions) => {
      const call = begin('client_stream', options);
      return clientStream(stream, requests, call.metadata, call.deadline, options?.signal, call.end);
    };
  }
  return (options?: CallOptions) => {
    const call = begin('bidi', options);
    return bidiStream(stream, call.metadata, call.deadline, options?.signal, call.end);
  };
}

/** `/helloworld.v1.Greeter/SayHello` -> service `helloworld.v1.Greeter`, method `SayHello`. */
function methodParts(path: string): { service: string; method: string } {
  const [, service, method] = path.split('/');
  if (!service || !method)
    throw new Error(`createClient: "${path}" is not a gRPC method path like /pkg.Service/Method`);
  return { service, method };
}

/** A fresh Metadata for the call (the caller's is copied, never modified). */
function toMetadata(metadata: CallOptions['metadata']): Metadata {
  if (metadata instanceof Metadata) return metadata.clone();
  const result = new Metadata();
  if (metadata) for (const [key, value] of Object.entries(metadata)) result.set(key, value);
  return result;
}
