import { type ServiceConfig, status } from '@grpc/grpc-js';
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
 * Makes `etcd:///<service>` targets resolve through `discovery` for every grpc-js channel created
 * afterwards. `etcd:///<prefix>/<service>` (the Go form) works too. The channel keeps the last known
 * instances while etcd is unreachable, and its `:authority` is the bare service name.
 */
export function registerEtcdResolver(discovery: Discovery, options: EtcdResolverOptions = {}): void {
  const scheme = options.scheme ?? 'etcd';
  const policy = options.loadBalancingPolicy ?? 'round_robin';
  registerNameResolver(scheme, {
    create: (target, sink, channelOptions) => {
      const config: ServiceConfig | null =
        channelOptions['grpc.service_config'] === undefined
          ? { loadBalancingConfig: [{ [policy]: {} }], methodConfig: [] }
          : null;
      return new EtcdResolver(discovery, serviceOf(target, discovery.prefix), sink, config);
    },
    defaultAuthority: (target) => serviceOf(target, discovery.prefix),
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
  }

  private report(endpoints: ServiceEndpoint[]): void {
    if (endpoints.length === 0) {
      this.sink.update([], this.serviceConfig, `no instances of "${this.service}" are registered in etcd`);
      return;
    }
    this.sink.update(
      endpoints.map((e) => ({ ...parseHostPort(e.address), metadata: e.metadata })),
      this.serviceConfig,
    );
  }
}
