import { randomUUID } from 'node:crypto';
import type { ResolvedRpcConfig } from '../config/rpc-config.js';
import { type EndpointSnapshot, EndpointState } from './endpoint-state.js';

/** Metadata key carrying an attempt id from the client wrapper to the picker; the picker strips it. */
export const ATTEMPT_METADATA_KEY = 'x-flotilla-attempt';
/** Trailer-metadata key set on the UNAVAILABLE a picker returns when no endpoint may be called. */
export const FAIL_FAST_METADATA_KEY = 'x-flotilla-no-endpoint';

/** What the client wrapper and the picker share about one attempt. */
export interface AttemptInfo {
  /** Endpoints this attempt should avoid (where earlier attempts of the call failed or are in flight). */
  avoid: ReadonlySet<string> | undefined;
  /** Streaming attempts do not feed the latency EWMA: their duration is not a latency. */
  streaming: boolean;
  /** Set by the picker. */
  endpoint: string | undefined;
  /** Set when the attempt got a stream on a connected endpoint. */
  started: boolean;
  /** Set by a completed pick, cleared when the call starts there: a pick that did not take. */
  pickedNotStarted: string | undefined;
}

/**
 * Per-client balancing state: endpoint histories (EWMA, breakers) and in-flight attempts. grpc-js
 * creates the LB policy itself, from the service config, so the policy finds this object through
 * the `clientId` in its config.
 */
export class BalancerContext {
  readonly endpoints = new Map<string, EndpointState>();
  readonly attempts = new Map<string, AttemptInfo>();
  private nextAttempt = 0;
  /** The active LB policy hooks this to publish a fresh picker when a breaker changes state. */
  onBreakerChange: () => void = () => undefined;

  constructor(
    readonly clientId: string,
    readonly config: ResolvedRpcConfig,
  ) {}

  endpoint(address: string): EndpointState {
    let state = this.endpoints.get(address);
    if (!state) {
      state = new EndpointState(address, this.config, () => this.onBreakerChange());
      this.endpoints.set(address, state);
    }
    return state;
  }

  /** Forgets endpoints the resolver no longer reports. */
  retain(addresses: ReadonlySet<string>): void {
    for (const [address, state] of this.endpoints) {
      if (!addresses.has(address) && state.inflight === 0) {
        state.breaker.shutdown();
        this.endpoints.delete(address);
      }
    }
  }

  /** Registers an attempt; its `id` travels to the picker in the attempt metadata. Hot path: no spreads. */
  beginAttempt(
    avoid: ReadonlySet<string> | undefined,
    streaming: boolean,
  ): AttemptInfo & { readonly id: string } {
    const id = String(++this.nextAttempt);
    const attempt = {
      id,
      avoid,
      streaming,
      endpoint: undefined,
      started: false,
      pickedNotStarted: undefined,
    };
    this.attempts.set(id, attempt);
    return attempt;
  }

  endAttempt(id: string): void {
    this.attempts.delete(id);
  }

  snapshot(): EndpointSnapshot[] {
    const now = performance.now();
    return [...this.endpoints.values()]
      .map((e) => e.snapshot(now))
      .sort((a, b) => a.address.localeCompare(b.address));
  }

  close(): void {
    for (const state of this.endpoints.values()) state.breaker.shutdown();
    this.endpoints.clear();
    contexts.delete(this.clientId);
  }
}

/**
 * grpc-js creates the LB policy from a registered class, and the class registered last wins. If
 * two copies of this package are loaded (one bundled with a library, say), the policy that runs
 * may come from the other copy than the client: so the contexts live on globalThis under a
 * registered symbol, where every copy finds them.
 */
const REGISTRY = Symbol.for('flotilla.rpc.balancer-contexts');
const contexts: Map<string, BalancerContext> = ((globalThis as { [REGISTRY]?: Map<string, BalancerContext> })[
  REGISTRY
] ??= new Map());

export function createBalancerContext(config: ResolvedRpcConfig): BalancerContext {
  const id = randomUUID();
  const context = new BalancerContext(id, config);
  contexts.set(id, context);
  return context;
}

export function findBalancerContext(clientId: string): BalancerContext | undefined {
  return contexts.get(clientId);
}
