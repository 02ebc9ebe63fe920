import {
  Server as GrpcServer,
  ServerCredentials,
  type ServerOptions,
  type ServiceDefinition,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import type { CallKind, ProtoSchema, ServerCallHook, ServiceShape } from '@flotilla/rpc';
import type { Logger } from 'pino';
import type { HandlerBinding } from '../interfaces/handler-binding.interface.js';
import type { ListeningServer, ServerLifecycle } from '../interfaces/server-lifecycle.interface.js';
import type { AdaptiveShedder } from './adaptive-shedder.js';
import {
  bidiStreamHandler,
  clientStreamHandler,
  serverStreamHandler,
  unaryHandler,
} from './call-adapters.js';
import type { CallGate } from './call-gate.js';
import type { NestHandler } from './call-hooks.js';
import { callObserver } from './call-observers.js';
import { bindFailureReason, formatHostPort } from './listen-address.js';
import { addReflection } from './reflection.js';
import type { ServingHealth } from './serving-health.js';
import { FLOTILLA_TRANSPORT, HANDLER_BINDING_KEY } from './transport-id.js';

export interface FlotillaServerOptions {
  host: string;
  port: number;
  /** ts-proto schemas of the served services, for reflection. */
  schemas: readonly ProtoSchema[];
  logger: Logger;
  health: ServingHealth;
  gate: CallGate;
  shedder?: AdaptiveShedder | undefined;
  /** Told when the server listens and when Nest closes it. */
  lifecycle?: ServerLifecycle | undefined;
  /** grpc-js server options (message size limits, keepalive, ...). */
  serverOptions?: ServerOptions | undefined;
  /** Observe every call from arrival to end, the handler running in their scope (tracing). */
  callHooks?: readonly ServerCallHook[] | undefined;
}

interface BoundHandler {
  binding: HandlerBinding;
  handler: NestHandler;
}

/**
 * A Nest transport that serves ts-proto service definitions with grpc-js: the controllers marked
 * `@RpcController(Definition)` are bound method by method, requests and replies go through the
 * definition's own codecs, and every call runs through Nest's guards, interceptors, pipes and
 * filters. It also serves the standard health service and server reflection.
 */
export class FlotillaServer extends Server implements CustomTransportStrategy {
  override readonly transportId = FLOTILLA_TRANSPORT;
  private readonly bound = new Map<string, BoundHandler>();
  private grpc: GrpcServer | undefined;
  private listening: ListeningServer | undefined;

  constructor(private readonly options: FlotillaServerOptions) {
    super();
  }

  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    super.addHandler(pattern, callback, isEventHandler, extras);
    const binding = extras[HANDLER_BINDING_KEY] as HandlerBinding | undefined;
    if (!binding) return;
    const path = binding.method.path;
    const existing = this.bound.get(path);
    if (existing && existing.handler !== callback)
      throw new Error(`${path} has two handlers; a method may be served by one controller only`);
    this.bound.set(path, { binding, handler: callback as unknown as NestHandler });
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /** Runs the graceful shutdown through the lifecycle (or just closes, without one). */
  async close(): Promise<void> {
    if (this.options.lifecycle) await this.options.lifecycle.stop();
    else await this.closeGrpc(0);
  }

  /** The grpc-js server, once listening. */
  unwrap<T>(): T {
    if (!this.grpc) throw new Error('FlotillaServer is not listening');
    return this.grpc as T;
  }

  on(): never {
    throw new Error('FlotillaServer has no events; use the lifecycle hooks');
  }

  /** Where it listens (`host:port`, the real port when 0 was asked for), once listening. */
  get address(): string | undefined {
    return this.listening?.address;
  }

  /** Full names of the services served, e.g. `helloworld.v1.Greeter`. */
  get services(): string[] {
    return [...new Set([...this.bound.keys()].map((path) => path.split('/')[1] ?? ''))];
  }

  private async start(): Promise<void> {
    const { host, port, logger } = this.options;
    const server = new GrpcServer(this.options.serverOptions);
    for (const [definition, implementation] of this.implementations())
      server.addService(definition as unknown as ServiceDefinition, implementation);
    const services = this.services;
    this.options.health.track(services);
    this.options.health.addToServer(server);
    const undescribed = addReflection(server, this.options.schemas, services);
    if (undescribed.length > 0) {
      logger.warn(
        `reflection cannot describe ${undescribed.join(', ')}: pass the ts-proto protoMetadata in FlotillaModule.forRoot({ schemas })`,
      );
    }
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(formatHostPort(host, port), ServerCredentials.createInsecure(), (error, p) =>
        error ? reject(error) : resolve(p),
      ),
    ).catch(async (error: unknown) => {
      server.forceShutdown();
      const reason =
        (await bindFailureReason(host, port)) ?? (error instanceof Error ? error.message : String(error));
      throw new Error(`cannot listen on ${formatHostPort(host, port)}: ${reason}`);
    });
    this.grpc = server;
    this.options.shedder?.start();
    const listening: ListeningServer = {
      host,
      port: bound,
      address: formatHostPort(host, bound),
      close: (timeoutMs) => this.closeGrpc(timeoutMs),
    };
    this.listening = listening;
    await this.options.lifecycle?.started(listening);
  }

  /** One grpc-js implementation per service definition, each method adapted to its call shape. */
  private implementations(): Map<ServiceShape, UntypedServiceImplementation> {
    const result = new Map<ServiceShape, UntypedServiceImplementation>();
    const gate = this.options.gate;
    for (const [path, { binding, handler }] of this.bound) {
      let implementation = result.get(binding.definition);
      if (!implementation) {
        implementation = {};
        result.set(binding.definition, implementation);
      }
      const { requestStream, responseStream } = binding.method;
      const kind: CallKind = requestStream
        ? responseStream
          ? 'bidi'
          : 'client_stream'
        : responseStream
          ? 'server_stream'
          : 'unary';
      const adapt = {
        unary: unaryHandler,
        client_stream: clientStreamHandler,
        server_stream: serverStreamHandler,
        bidi: bidiStreamHandler,
      }[kind];
      const observe = callObserver(path, kind, this.options.callHooks ?? [], () => this.listening?.address);
      implementation[binding.key] = adapt(path, handler, gate, observe) as UntypedHandleCall;
    }
    return result;
  }

  /** tryShutdown (refuse new calls, wait for in-flight ones), cut short by forceShutdown at the deadline. */
  private closeGrpc(timeoutMs: number): Promise<{ cancelled: number }> {
    const server = this.grpc;
    this.options.shedder?.stop();
    if (!server) return Promise.resolve({ cancelled: 0 });
    this.grpc = undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const cancelled = this.options.gate.inFlight;
        server.forceShutdown();
        resolve({ cancelled });
      }, timeoutMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve({ cancelled: 0 });
      });
    });
  }
}
