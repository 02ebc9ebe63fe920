import { status } from '@grpc/grpc-js';
import type { ResolvedRpcConfig } from '../config/rpc-config.js';
import { countsAgainstEndpoint } from '../breaker/breaker-codes.js';
import { type BreakerState, EndpointBreaker } from '../breaker/endpoint-breaker.js';
import { DecayingCounter, PeakEwma } from './ewma.js';

/** Added to every latency so that an endpoint without samples does not cost nothing. */
const LATENCY_FLOOR_MS = 0.1;

/** What one client knows about one endpoint. It outlives subchannels: a reconnect keeps the history. */
export class EndpointState {
  readonly breaker: EndpointBreaker;
  private readonly latency: PeakEwma;
  private readonly penalty: DecayingCounter;
  inflight = 0;
  /** Attempts started here, and how they ended. */
  started = 0;
  succeeded = 0;
  failed = 0;
  /** Relative weight from the registry metadata (`weight`), for the weighted policy. */
  weight = 1;
  /** The endpoint's connectivity state as the LB policy last saw it. */
  connectivity = 'IDLE';

  constructor(
    readonly address: string,
    private readonly config: ResolvedRpcConfig,
    onBreakerChange: () => void,
  ) {
    const now = performance.now();
    this.breaker = new EndpointBreaker(address, config.breaker, () => {
      if (this.breaker.state === 'closed') this.forgetHistory();
      onBreakerChange();
    });
    this.latency = new PeakEwma(config.ewma.decayMs, now);
    this.penalty = new DecayingCounter(config.ewma.penaltyDecayMs);
  }

  /**
   * A breaker that closes after a successful probe means the endpoint recovered: it starts again
   * as a new endpoint would, with no error penalty and no latency estimate (a slow first reply from
   * a restarted process would otherwise keep p2c away from it for many seconds; a really slow
   * endpoint is noticed again on its first slow reply, the EWMA being peak-sensitive).
   */
  private forgetHistory(): void {
    this.penalty.reset();
    this.latency.reset(performance.now());
  }

  /** p2c cost: EWMA latency x (in-flight + 1), multiplied up by recent errors. */
  cost(now: number): number {
    const penalty = this.penalty.get(now) * this.config.ewma.penaltyWeight;
    return (this.latency.get(now) + LATENCY_FLOOR_MS) * (this.inflight + 1) * (1 + penalty);
  }

  ewmaMs(now: number): number {
    return this.latency.get(now);
  }

  /** Records the start of an attempt; the returned function records its end (exactly once). */
  attemptStarted(measureLatency: boolean): (code: status) => void {
    const startedAt = performance.now();
    this.inflight += 1;
    this.started += 1;
    const settleBreaker = this.breaker.attemptStarted();
    let done = false;
    return (code) => {
      if (done) return;
      done = true;
      const now = performance.now();
      this.inflight -= 1;
      if (code === status.OK) this.succeeded += 1;
      else this.failed += 1;
      if (countsAgainstEndpoint(code) && code !== status.DEADLINE_EXCEEDED) {
        this.penalty.add(1, now);
      } else if (measureLatency) {
        this.latency.observe(now - startedAt, now);
      }
      // Last: closing the breaker (a successful probe) resets the history recorded just above.
      settleBreaker(code);
    };
  }

  snapshot(now: number): EndpointSnapshot {
    return {
      address: this.address,
      breaker: this.breaker.state,
      probes: this.breaker.probes,
      ewmaMs: round(this.latency.get(now)),
      inflight: this.inflight,
      started: this.started,
      succeeded: this.succeeded,
      failed: this.failed,
      weight: this.weight,
      connectivity: this.connectivity,
    };
  }
}

export interface EndpointSnapshot {
  address: string;
  breaker: BreakerState;
  /** Half-open probes sent to this endpoint. */
  probes: number;
  ewmaMs: number;
  inflight: number;
  started: number;
  succeeded: number;
  failed: number;
  weight: number;
  connectivity: string;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
