import { type ChannelOptions, connectivityState } from '@grpc/grpc-js';
import { endpointMetadata, endpointRegistration } from '@flotilla/discovery';
import * as x from './grpc-lb.js';
import { type BalancerContext, findBalancerContext } from './balancer-context.js';
import { failFastResult, FlotillaPicker, type ReadyEndpoint } from './flotilla-picker.js';
import type { PickStrategy } from './pick-strategies.js';

/** The LB config grpc-js builds from `loadBalancingConfig: [{ p2c_ewma: { clientId } }]`. */
export abstract class FlotillaLbConfig implements x.TypedLoadBalancingConfig {
  constructor(readonly clientId: string) {}
  abstract getLoadBalancerName(): string;
  toJsonObject(): object {
    return { [this.getLoadBalancerName()]: { clientId: this.clientId } };
  }
}

export function clientIdFromJson(typeName: string, json: unknown): string {
  const clientId = (json as { clientId?: unknown } | null)?.clientId;
  if (typeof clientId !== 'string' || clientId === '') {
    throw new Error(`${typeName} needs a "clientId" (it is created by @flotilla/rpc's createClient)`);
  }
  return clientId;
}

const RERESOLUTION_INTERVAL_MS = 1000;

interface Child {
  address: string;
  leaf: x.LeafLoadBalancer;
  /** The registration (etcd revision) the endpoint was last resolved from. */
  registration: string | undefined;
  /** The latest subchannel its leaf made for each address, to cut their reconnect backoff short. */
  subchannels: Map<string, x.SubchannelInterface>;
}

/**
 * Shared body of the Flotilla LB policies: one pick_first leaf per endpoint (grpc-js keeps each
 * connected and reconnects it), and a FlotillaPicker over the connected ones. Subclasses only pick
 * the strategy. Failing fast matters as much as picking: when nothing is callable, calls get
 * UNAVAILABLE at once, naming the service and every endpoint's state, instead of queueing to
 * their deadline.
 */
export abstract class FlotillaLoadBalancer implements x.LoadBalancer {
  private children = new Map<string, Child>();
  private context: BalancerContext | undefined;
  private state: connectivityState = connectivityState.IDLE;
  private lastError = '';
  private updatesPaused = false;
  private lastReresolution = -Infinity;
  private reresolutionTimer: NodeJS.Timeout | undefined;
  protected abstract readonly strategy: PickStrategy;

  constructor(private readonly helper: x.ChannelControlHelper) {}

  /** The helper a child's leaf works through: shared state updates, its own subchannel list. */
  private childHelper(subchannels: Map<string, x.SubchannelInterface>): x.ChannelControlHelper {
    return x.createChildChannelControlHelper(this.helper, {
      updateState: (_state, _picker, errorMessage) => {
        if (errorMessage) this.lastError = errorMessage;
        this.publish();
      },
      requestReresolution: () => this.requestReresolution(),
      createSubchannel: (address, options) => {
        const subchannel = this.helper.createSubchannel(address, options);
        subchannels.set(x.subchannelAddressToString(address), subchannel);
        return subchannel;
      },
    });
  }

  abstract getTypeName(): string;

  updateAddressList(
    endpoints: x.StatusOr<x.Endpoint[]>,
    lbConfig: x.TypedLoadBalancingConfig,
    options: ChannelOptions,
    resolutionNote: string,
  ): boolean {
    if (!(lbConfig instanceof FlotillaLbConfig) || lbConfig.getLoadBalancerName() !== this.getTypeName())
      return false;
    const context = findBalancerContext(lbConfig.clientId);
    if (!context) {
      this.setState(
        connectivityState.TRANSIENT_FAILURE,
        failFastPicker(`${this.getTypeName()}: client ${lbConfig.clientId} is closed`),
      );
      return true;
    }
    this.context = context;
    context.onBreakerChange = () => this.publish();
    if (!endpoints.ok) {
      if (this.children.size === 0) {
        this.setState(
          connectivityState.TRANSIENT_FAILURE,
          failFastPicker(`${context.config.service}: ${endpoints.error.details}`),
        );
      }
      return true;
    }

    const next = new Map<string, Child>();
    const fresh: Child[] = [];
    this.updatesPaused = true;
    for (const endpoint of endpoints.value) {
      const address = endpoint.addresses.map((a) => x.subchannelAddressToString(a)).join(',');
      const weight = Number(endpointMetadata(endpoint)?.['weight'] ?? 1);
      context.endpoint(address).weight = Number.isFinite(weight) && weight > 0 ? weight : 1;
      const registration = endpointRegistration(endpoint);
      const existing = this.children.get(address);
      if (existing) {
        // Same address: keep the connection. (Re-feeding the leaf would restart a failing one.)
        next.set(address, existing);
        if (registration !== existing.registration) {
          existing.registration = registration;
          // The instance registered again, so it is up: reconnect now instead of after the
          // backoff its earlier failures built up (up to minutes).
          if (existing.leaf.getConnectivityState() === connectivityState.TRANSIENT_FAILURE)
            for (const subchannel of existing.subchannels.values()) x.resetSubchannelBackoff(subchannel);
        }
      } else {
        const subchannels = new Map<string, x.SubchannelInterface>();
        const child: Child = {
          address,
          registration,
          subchannels,
          leaf: new x.LeafLoadBalancer(endpoint, this.childHelper(subchannels), options, resolutionNote),
        };
        next.set(address, child);
        fresh.push(child);
      }
    }
    for (const [address, child] of this.children) if (!next.has(address)) child.leaf.destroy();
    this.children = next;
    context.retain(new Set(next.keys()));
    for (const child of fresh) child.leaf.startConnecting();
    this.updatesPaused = false;
    if (next.size === 0) {
      this.lastError = `no endpoints resolved${resolutionNote ? ` (${resolutionNote})` : ''}`;
    }
    this.publish();
    return true;
  }

  exitIdle(): void {
    for (const child of this.children.values()) {
      if (child.leaf.getConnectivityState() === connectivityState.IDLE) child.leaf.exitIdle();
    }
  }

  resetBackoff(): void {
    // The pick_first leaves own the connection backoff.
  }

  /**
   * At most one re-resolution request per second. A resolver may answer a request at once with
   * the same endpoints, and a dead endpoint's leaf asks again on every update: unthrottled, the
   * two would spin on process.nextTick and starve all I/O.
   */
  private requestReresolution(): void {
    const now = performance.now();
    if (now - this.lastReresolution >= RERESOLUTION_INTERVAL_MS) {
      this.lastReresolution = now;
      this.helper.requestReresolution();
    } else if (!this.reresolutionTimer) {
      this.reresolutionTimer = setTimeout(
        () => {
          this.reresolutionTimer = undefined;
          this.requestReresolution();
        },
        RERESOLUTION_INTERVAL_MS - (now - this.lastReresolution),
      );
      this.reresolutionTimer.unref();
    }
  }

  destroy(): void {
    clearTimeout(this.reresolutionTimer);
    for (const child of this.children.values()) child.leaf.destroy();
    this.children.clear();
    if (this.context) this.context.onBreakerChange = () => undefined;
  }

  /** Recomputes the aggregate state and publishes a new picker (also on breaker changes). */
  private publish(): void {
    if (this.updatesPaused || !this.context) return;
    const context = this.context;
    const ready: ReadyEndpoint[] = [];
    let connecting = 0;
    for (const child of this.children.values()) {
      const state = child.leaf.getConnectivityState();
      const endpoint = context.endpoint(child.address);
      endpoint.connectivity = connectivityState[state];
      if (state === connectivityState.READY) ready.push({ state: endpoint, picker: child.leaf.getPicker() });
      else if (state === connectivityState.CONNECTING || state === connectivityState.IDLE) connecting += 1;
    }
    if (ready.length > 0) {
      this.setState(
        connectivityState.READY,
        new FlotillaPicker(context, ready, this.strategy, () => this.describeUnready()),
      );
    } else if (connecting > 0) {
      this.setState(connectivityState.CONNECTING, new x.QueuePicker(this));
    } else {
      const details =
        `${context.config.service}: no endpoint is reachable (${this.describeUnready() || 'none resolved'})` +
        (this.lastError ? `; last error: ${this.lastError}` : '');
      this.setState(connectivityState.TRANSIENT_FAILURE, failFastPicker(details));
    }
    // Keep every endpoint connected, as round_robin does: a reconnect should not wait for a pick.
    for (const child of this.children.values()) {
      if (child.leaf.getConnectivityState() === connectivityState.IDLE) child.leaf.exitIdle();
    }
  }

  /** `addr CONNECTING breaker closed, ...` for every endpoint that is not connected. */
  private describeUnready(): string {
    const parts: string[] = [];
    for (const child of this.children.values()) {
      const state = child.leaf.getConnectivityState();
      if (state === connectivityState.READY) continue;
      const breaker = this.context?.endpoints.get(child.address)?.breaker.state ?? 'closed';
      parts.push(`${child.address} ${connectivityState[state]} breaker ${breaker}`);
    }
    return parts.join(', ');
  }

  private setState(state: connectivityState, picker: x.Picker): void {
    const wasReady = this.state === connectivityState.READY;
    this.state = state;
    this.helper.updateState(
      state,
      picker,
      state === connectivityState.TRANSIENT_FAILURE ? this.lastError : null,
    );
    if (wasReady && state !== connectivityState.READY) this.requestReresolution();
  }
}

function failFastPicker(details: string): x.Picker {
  return { pick: () => failFastResult(details) };
}
