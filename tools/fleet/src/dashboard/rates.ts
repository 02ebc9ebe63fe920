import type { GatewayStats } from './sources/gateway-stats.js';
import type { SeriesSample } from './model.js';

/** A cumulative counter's growth; a smaller value means the counter started over (a restart). */
function grown(current: number, previous: number | undefined): number {
  if (previous === undefined || current < previous) return current;
  return current - previous;
}

export interface Rates {
  /** The gateway's service name, and its chart sample. */
  service: string;
  sample: SeriesSample;
  /** `<client service> <address>` -> calls started per second. */
  endpointRates: Map<string, number>;
}

export const endpointKey = (service: string, address: string) => `${service} ${address}`;

/**
 * Turns successive gateway stats (cumulative counters) into per-second rates: the gateway's own
 * chart sample (its HTTP calls, failures, and the p99 of its last 10 s), and each client endpoint's
 * call rate for the endpoints table. The services the gateway calls get their chart samples from
 * their own metrics (`metrics/service-series.ts`), not from this client's view of them.
 */
export class RateTracker {
  private previous: { at: number; stats: GatewayStats } | undefined;

  /** undefined for the first sample (a rate needs two). */
  update(at: number, stats: GatewayStats): Rates | undefined {
    const previous = this.previous;
    this.previous = { at, stats };
    if (!previous || at <= previous.at) return undefined;
    const seconds = (at - previous.at) / 1000;
    const sample: SeriesSample = {
      rate: grown(stats.http.calls, previous.stats.http.calls) / seconds,
      errors: grown(stats.http.failed, previous.stats.http.failed) / seconds,
      p99Ms: stats.http.p99Ms,
    };
    const endpointRates = new Map<string, number>();
    for (const client of stats.clients) {
      const before = new Map(
        (previous.stats.clients.find((c) => c.service === client.service)?.endpoints ?? []).map((e) => [
          e.address,
          e,
        ]),
      );
      for (const e of client.endpoints)
        endpointRates.set(
          endpointKey(client.service, e.address),
          grown(e.started, before.get(e.address)?.started) / seconds,
        );
    }
    return { service: stats.service, sample, endpointRates };
  }
}
