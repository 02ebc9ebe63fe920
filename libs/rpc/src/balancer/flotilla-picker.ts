import { connectivityState, Metadata, status } from '@grpc/grpc-js';
import * as x from './grpc-lb.js';
import { ATTEMPT_METADATA_KEY, type BalancerContext, FAIL_FAST_METADATA_KEY } from './balancer-context.js';
import type { EndpointState } from './endpoint-state.js';
import type { PickStrategy } from './pick-strategies.js';

export interface ReadyEndpoint {
  state: EndpointState;
  /** The endpoint's own (pick_first leaf) picker, which yields its connected subchannel. */
  picker: x.Picker;
}

/**
 * The picker every Flotilla policy publishes while at least one endpoint is connected. It skips
 * endpoints whose breaker is open (sending a half-open endpoint its probe first), skips endpoints
 * the attempt should avoid when it can, lets the strategy choose, and wraps the pick so that the
 * endpoint sees the attempt start and end (in-flight count, EWMA, breaker).
 */
export class FlotillaPicker implements x.Picker {
  /** Endpoints whose connection failed a call before it started; skipped until the next picker. */
  private readonly suspects = new Set<string>();
  private readonly states: EndpointState[];

  constructor(
    private readonly context: BalancerContext,
    private readonly ready: readonly ReadyEndpoint[],
    private readonly strategy: PickStrategy,
    private readonly describeOthers: () => string,
  ) {
    this.states = ready.map((e) => e.state);
  }

  pick(args: x.PickArgs): x.PickResult {
    const now = performance.now();
    const attemptId = args.metadata.get(ATTEMPT_METADATA_KEY)[0];
    const attempt = attemptId === undefined ? undefined : this.context.attempts.get(String(attemptId));
    const avoid = attempt?.avoid;
    if (attempt?.pickedNotStarted !== undefined) {
      // grpc-js came back for this attempt without starting it on the endpoint we picked: the
      // connection died before the subchannel noticed. Skip that endpoint until the next picker.
      this.suspects.add(attempt.pickedNotStarted);
      attempt.pickedNotStarted = undefined;
    }

    let candidates: EndpointState[] = this.states;
    let probe: ReadyEndpoint | undefined;
    let allAllowed = avoid === undefined && this.suspects.size === 0;
    if (allAllowed) {
      // The common case (nothing to avoid, every breaker admits calls) allocates nothing.
      for (const entry of this.ready) {
        if (!entry.state.breaker.allowsCall(now)) {
          allAllowed = false;
          break;
        }
        if (probe === undefined && entry.state.breaker.wantsProbe(now)) probe = entry;
      }
    }
    if (!allAllowed) {
      probe = undefined;
      candidates = [];
      for (const entry of this.ready) {
        const address = entry.state.address;
        if (!entry.state.breaker.allowsCall(now) || avoid?.has(address) || this.suspects.has(address))
          continue;
        if (probe === undefined && entry.state.breaker.wantsProbe(now)) probe = entry;
        candidates.push(entry.state);
      }
    }
    if (candidates.length === 0 && avoid !== undefined) {
      // Nowhere new to go: better the endpoint that failed once than no attempt at all.
      candidates = this.ready
        .filter((e) => e.state.breaker.allowsCall(now) && !this.suspects.has(e.state.address))
        .map((e) => e.state);
    }
    if (candidates.length === 0) return this.suspects.size > 0 ? QUEUE : this.failFast();

    const chosen = probe ?? this.entryFor(this.strategy.choose(candidates, now));
    const result = chosen.picker.pick(args);
    if (result.pickResultType !== x.PickResultType.COMPLETE) return result;
    if (result.subchannel?.getConnectivityState() !== connectivityState.READY) {
      // The connection just dropped and our new picker is on its way. grpc-js re-picks at once when
      // handed a subchannel that is not READY, so returning it would spin; queue until the update.
      return QUEUE;
    }
    chosen.state.breaker.reserveProbe(now);

    args.metadata.remove(ATTEMPT_METADATA_KEY);
    if (attempt) {
      attempt.endpoint = chosen.state.address;
      attempt.pickedNotStarted = chosen.state.address;
    }
    const streaming = attempt?.streaming ?? false;
    const innerStarted = result.onCallStarted;
    const innerEnded = result.onCallEnded;
    let end: ((code: status) => void) | undefined;
    return {
      pickResultType: result.pickResultType,
      subchannel: result.subchannel,
      status: result.status,
      onCallStarted: () => {
        innerStarted?.();
        end = chosen.state.attemptStarted(!streaming);
        if (attempt) {
          attempt.started = true;
          attempt.pickedNotStarted = undefined;
        }
      },
      onCallEnded: (code, details, metadata) => {
        innerEnded?.(code, details, metadata);
        end?.(code);
      },
    };
  }

  private entryFor(state: EndpointState): ReadyEndpoint {
    for (const entry of this.ready) if (entry.state === state) return entry;
    throw new Error(`picker: ${state.address} is not a ready endpoint`);
  }

  private failFast(): x.PickResult {
    const states = this.ready.map((e) => `${e.state.address} breaker ${e.state.breaker.state}`);
    const others = this.describeOthers();
    return failFastResult(
      `${this.context.config.service}: no endpoint can take the call: every connected endpoint's circuit breaker is open ` +
        `(${states.join(', ')}${others ? `; ${others}` : ''})`,
    );
  }
}

const QUEUE: x.PickResult = {
  pickResultType: x.PickResultType.QUEUE,
  subchannel: null,
  status: null,
  onCallStarted: null,
  onCallEnded: null,
};

/** An UNAVAILABLE pick result marked so that the client does not retry it. */
export function failFastResult(details: string): x.PickResult {
  const metadata = new Metadata();
  metadata.set(FAIL_FAST_METADATA_KEY, '1');
  return {
    pickResultType: x.PickResultType.TRANSIENT_FAILURE,
    subchannel: null,
    status: { code: status.UNAVAILABLE, details, metadata },
    onCallStarted: null,
    onCallEnded: null,
  };
}
