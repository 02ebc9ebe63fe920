/**
 * The one file of this package that touches grpc-js's `experimental` API (name resolvers). That
 * API is not covered by semver and changed shape in grpc-js 1.14 (resolver listeners became a
 * single function taking StatusOr values). grpc-js is pinned to 1.14.7; when it moves, only this
 * file should need to change. What it exports is this package's own small resolver API, not
 * grpc-js internals; @flotilla/rpc keeps its load-balancer use of `experimental` to itself.
 */
import { type ChannelOptions, experimental, type ServiceConfig, type status } from '@grpc/grpc-js';

/** A backend address as a resolver reports it. */
export interface ResolvedAddress {
  host: string;
  port: number;
  /** Registry metadata (e.g. `weight`), handed to load balancers on the endpoint; see endpointMetadata(). */
  metadata?: Readonly<Record<string, unknown>>;
  /**
   * Changes whenever the instance registers again (etcd mod revision); see endpointRegistration().
   * A load balancer reconnects at once to a re-registered endpoint it was backing off from.
   */
  registration?: string;
}

/** Where a name resolver sends its results. */
export interface ResolutionSink {
  /**
   * A new set of endpoints (one address each), with an optional service config (e.g. the LB policy)
   * and a note that grpc-js adds to errors (e.g. why the set is empty). An empty set makes calls fail.
   */
  update(addresses: readonly ResolvedAddress[], serviceConfig?: ServiceConfig | null, note?: string): void;
  /**
   * Resolution failed. Channels that already have endpoints keep using them; others fail calls
   * with `code` and `details` until the next update.
   */
  error(code: status, details: string): void;
}

export interface ResolveTarget {
  scheme: string;
  authority: string;
  /** `greeter` for `etcd:///greeter`. */
  path: string;
}

export interface NameResolver {
  /** The channel asks for fresh results (e.g. after a connection failure). */
  refresh(): void;
  /** The channel no longer needs this resolver; `refresh()` may follow to restart it. */
  destroy(): void;
}

export interface NameResolverFactory {
  create(target: ResolveTarget, sink: ResolutionSink, channelOptions: ChannelOptions): NameResolver;
  /** The `:authority` for channels to this target. Must not contain '/' (Node's HTTP/2 server rejects it). */
  defaultAuthority(target: ResolveTarget): string;
}

/**
 * Registers `factory` for targets `<scheme>:///...` on every channel created afterwards.
 * Registering a scheme again replaces the earlier factory.
 */
export function registerNameResolver(scheme: string, factory: NameResolverFactory): void {
  const toTarget = (uri: experimental.GrpcUri): ResolveTarget => ({
    scheme: uri.scheme ?? scheme,
    authority: uri.authority ?? '',
    path: uri.path,
  });
  class AdaptedResolver implements experimental.Resolver {
    private readonly inner: NameResolver;
    constructor(
      target: experimental.GrpcUri,
      listener: experimental.ResolverListener,
      channelOptions: ChannelOptions,
    ) {
      // grpc-js forbids calling the listener synchronously from the constructor or updateResolution.
      const deliver = (fn: () => void) => process.nextTick(fn);
      const sink: ResolutionSink = {
        update: (addresses, serviceConfig = null, note = '') =>
          deliver(() =>
            listener(
              experimental.statusOrFromValue(addresses.map(toEndpoint)),
              {},
              serviceConfig === null ? null : experimental.statusOrFromValue(serviceConfig),
              note,
            ),
          ),
        error: (code, details) =>
          deliver(() => listener(experimental.statusOrFromError({ code, details }), {}, null, details)),
      };
      this.inner = factory.create(toTarget(target), sink, channelOptions);
    }
    updateResolution(): void {
      this.inner.refresh();
    }
    destroy(): void {
      this.inner.destroy();
    }
    static getDefaultAuthority(target: experimental.GrpcUri): string {
      return factory.defaultAuthority(toTarget(target));
    }
  }
  experimental.registerResolver(scheme, AdaptedResolver);
}

/** grpc-js passes endpoint objects through to the LB policy untouched, so metadata can ride along. */
interface EndpointWithMetadata extends experimental.Endpoint {
  metadata?: Readonly<Record<string, unknown>>;
  registration?: string;
}

function toEndpoint(a: ResolvedAddress): EndpointWithMetadata {
  const endpoint: EndpointWithMetadata = { addresses: [{ host: a.host, port: a.port }] };
  if (a.metadata !== undefined) endpoint.metadata = a.metadata;
  if (a.registration !== undefined) endpoint.registration = a.registration;
  return endpoint;
}

/** The registry metadata a resolver attached to `endpoint` (see ResolvedAddress), if any. */
export function endpointMetadata(endpoint: object): Readonly<Record<string, unknown>> | undefined {
  return (endpoint as EndpointWithMetadata).metadata;
}

/** Which registration of the instance `endpoint` came from (see ResolvedAddress), if known. */
export function endpointRegistration(endpoint: object): string | undefined {
  return (endpoint as EndpointWithMetadata).registration;
}
