import { type ChannelOptions, type ServiceConfig, status } from '@grpc/grpc-js';
import type { Discovery } from '../discovery.js';
import { InvalidArgumentError } from '../errors.js';
import type { ServiceEndpoint } from '../naming/endpoint-codec.js';
import { parseHostPort } from '../naming/validate.js';
import {
  type NameResolver,
  registerNameResolver,
  type ResolutionSink,
  type ResolveTarget,
} from './grpc-experimental.js';
import { DISCOVERY_CHANNEL_OPTION, resolverRegistry } from './resolver-registry.js';

export const ETCD_SCHEME = 'etcd';

export interface EtcdResolverOptions {
  /** URI scheme to claim. Default `etcd`, i.e. targets like `etcd:///greeter`. */
  scheme?: string;
  /**
   * Load-balancing policy the resolver asks for, unless the channel sets `grpc.service_config`
   * itself. Default `round_robin`, so calls spread over every instance.
   */
  loadBalancingPolicy?: string;
}

/**
 * Makes `etcd:///<service>` targets resolve through `discovery` for every grpc-js channel that does
 * not name its own Discovery (see etcdChannelOptions). `etcd:///<prefix>/<service>` (the Go form)
 * works too. The channel keeps the last known instances while etcd is unreachable, and its
 * `:authority` is the bare service name. The latest call sets the default.
 */
export function registerEtcdResolver(discovery: Discovery, options: EtcdResolverOptions = {}): void {
  const scheme = options.scheme ?? ETCD_SCHEME;
  ensureScheme(scheme);
  resolverRegistry().fallbacks.set(scheme, {
    discovery,
    loadBalancingPolicy: options.loadBalancingPolicy ?? 'round_robin',
  });
}

/**
 * Channel options that make a channel's `etcd:///` target resolve through `discovery`, whatever
 * other Discovery instances the process has: `new Client(target, creds, { ...etcdChannelOptions(d) })`.
 */
export function etcdChannelOptions(discovery: Discovery): ChannelOptions {
  ensureScheme(ETCD_SCHEME);
  resolverRegistry().byId.set(discovery.id, discovery);
  return { [DISCOVERY_CHANNEL_OPTION]: discovery.id };
}

/** The Discovery registerEtcdResolver made the default, if any (and still open). */
export function defaultEtcdDiscovery(scheme = ETCD_SCHEME): Discovery | undefined {
  return resolverRegistry().fallbacks.get(scheme)?.discovery;
}

/** Forgets `discovery` (it closed): channels naming it, or relying on it as the default, get an error. */
export function forgetDiscovery(discovery: Discovery): void {
  const registry = resolverRegistry();
  registry.byId.delete(discovery.id);
  for (const [scheme, fallback] of registry.fallbacks)
    if (fallback.discovery === discovery) registry.fallbacks.delete(scheme);
}

function ensureScheme(scheme: string): void {
  const registry = resolverRegistry();
  if (registry.schemes.has(scheme)) return;
  registry.schemes.add(scheme);
  registerNameResolver(scheme, {
    create: (target, sink, channelOptions) => {
      const id = channelOptions[DISCOVERY_CHANNEL_OPTION] as string | undefined;
      const fallback = registry.fallbacks.get(scheme);
      const discovery = id === undefined ? fallback?.discovery : registry.byId.get(id);
      if (!discovery) return new FailingResolver(target, sink, id);
      const config: ServiceConfig | null =
        channelOptions['grpc.service_config'] === undefined
          ? {
              loadBalancingConfig: [{ [fallback?.loadBalancingPolicy ?? 'round_robin']: {} }],
              methodConfig: [],
            }
          : null;
      return new EtcdResolver(discovery, serviceOf(target, discovery.prefix), sink, config);
    },
    // The authority does not depend on the Discovery: a service name never contains '/'.
    defaultAuthority: (target) => serviceOf(target, lastSegmentPrefix(target)),
  });
}

/** `greeter` from `etcd:///greeter` or `etcd:///flotilla/services/greeter`. */
export function serviceOf(target: ResolveTarget, prefix: string): string {
  let path = target.path.replace(/^\/+|\/+$/g, '');
  if (path.startsWith(`${prefix}/`)) path = path.slice(prefix.length + 1);
  if (path === '' || path.includes('/')) {
    throw new InvalidArgumentError(
      `target "${target.scheme}:///${target.path}" must name one service, like ${target.scheme}:///greeter`,
    );
  }
  return path;
}

/** For the authority: whatever precedes the last path segment counts as the prefix. */
function lastSegmentPrefix(target: ResolveTarget): string {
  const path = target.path.replace(/^\/+|\/+$/g, '');
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Reports why a channel cannot resolve, instead of grpc-js falling back to DNS. */
class FailingResolver implements NameResolver {
  constructor(
    private readonly target: ResolveTarget,
    private readonly sink: ResolutionSink,
    private readonly id: string | undefined,
  ) {
    this.refresh();
  }

  refresh(): void {
    const target = `${this.target.scheme}:///${this.target.path}`;
    this.sink.error(
      status.UNAVAILABLE,
      this.id === undefined
        ? `${target}: no Discovery to resolve it; call registerEtcdResolver(discovery) or create the client with { discovery }`
        : `${target}: the Discovery of this channel (${this.id}) is closed`,
    );
  }

  destroy(): void {
    // Nothing to release.
  }
}

/**
 * Re-resolution requests come from the load balancer whenever a connection drops. The watch already
 * keeps the endpoint set current, so answering each request at once only feeds the balancer the same
 * list again; done synchronously that can loop. Re-report at most this often, and never in the
 * caller's stack (as grpc-js's DNS resolver limits itself).
 */
export const MIN_REFRESH_INTERVAL_MS = 1000;

export class EtcdResolver implements NameResolver {
  private unsubscribe: (() => void) | undefined;
  private latest: ServiceEndpoint[] | undefined;
  private lastRefresh = -Infinity;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly discovery: Discovery,
    private readonly service: string,
    private readonly sink: ResolutionSink,
    private readonly serviceConfig: ServiceConfig | null,
  ) {
    this.start();
  }

  refresh(): void {
    if (!this.unsubscribe) {
      this.start();
      return;
    }
    if (this.refreshTimer) return;
    const wait = Math.max(0, this.lastRefresh + MIN_REFRESH_INTERVAL_MS - Date.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.lastRefresh = Date.now();
      if (this.unsubscribe && this.latest) this.report(this.latest);
    }, wait);
    this.refreshTimer.unref();
  }

  destroy(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private start(): void {
    try {
      this.unsubscribe = this.discovery.subscribe(
        this.service,
        (endpoints) => {
          this.latest = endpoints;
          this.report(endpoints);
        },
        (error) => {
          // With endpoints in hand, an etcd failure changes nothing: keep serving them.
          if (this.latest === undefined) {
            this.sink.error(
              status.UNAVAILABLE,
              `cannot resolve "${this.service}": etcd unreachable (${error.message}); retrying`,
            );
          }
        },
      );
    } catch (error) {
      // The Discovery closed under this channel.
      this.sink.error(status.UNAVAILABLE, `cannot resolve "${this.service}": ${(error as Error).message}`);
    }
  }

  private report(endpoints: ServiceEndpoint[]): void {
    if (endpoints.length === 0) {
      this.sink.update([], this.serviceConfig, `no instances of "${this.service}" are registered in etcd`);
      return;
    }
    this.sink.update(
      endpoints.map((e) => ({
        ...parseHostPort(e.address),
        metadata: e.metadata,
        ...(e.revision === undefined ? {} : { registration: e.revision }),
      })),
      this.serviceConfig,
    );
  }
}
