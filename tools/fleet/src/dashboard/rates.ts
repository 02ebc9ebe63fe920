import type { GatewayStats } from './sources/gateway-stats.js';
import type { SeriesPoint } from './model.js';

/** A cumulative counter's growth; a smaller value means the counter started over (a restart). */
function grown(current: number, previous: number | undefined): number {
  if (previous === undefined || current < previous) return current;
  return current - previous;
}

export interface Rates {
  point: SeriesPoint;
  /** `<client service> <address>` -> calls started per second. */
  endpointRates: Map<string, number>;
}

export const endpointKey = (service: string, address: string) => `${service} ${address}`;

/**
 * Turns successive gateway stats (cumulative counters) into per-second rates. The gateway's own
 * series is its HTTP traffic (p99 from its 10 s window); each service it calls gets a series from
 * its client's per-endpoint counters, with the calls-weighted EWMA latency (a client keeps no
 * percentiles), so the chart labels it as such.
 */
export class RateTracker {
  private previous: { at: number; stats: GatewayStats } | undefined;

  /** undefined for the first sample (a rate needs two). */
  update(at: number, stats: GatewayStats): Rates | undefined {
    const previous = this.previous;
    this.previous = { at, stats };
    if (!previous || at <= previous.at) return undefined;
    const seconds = (at - previous.at) / 1000;
    const point: SeriesPoint = { at, services: {} };
    point.services[stats.service] = {
      rate: grown(stats.http.calls, previous.stats.http.calls) / seconds,
      errors: grown(stats.http.failed, previous.stats.http.failed) / seconds,
      latencyMs: stats.http.p99Ms,
      latencyKind: 'p99',
    };
    const endpointRates = new Map<string, number>();
    for (const client of stats.clients) {
      const before = new Map(
        (previous.stats.clients.find((c) => c.service === client.service)?.endpoints ?? []).map((e) => [
          e.address,
          e,
        ]),
      );
      let started = 0;
      let failed = 0;
      let weightedEwma = 0;
      for (const e of client.endpoints) {
        const prior = before.get(e.address);
        const calls = grown(e.started, prior?.started);
        started += calls;
        failed += grown(e.failed, prior?.failed);
        weightedEwma += calls * e.ewmaMs;
        endpointRates.set(endpointKey(client.service, e.address), calls / seconds);
      }
      point.services[client.service] = {
        rate: started / seconds,
        errors: failed / seconds,
        latencyMs: started > 0 ? weightedEwma / started : null,
        latencyKind: 'ewma',
      };
    }
    return { point, endpointRates };
  }
}
