import { changes, observe, type Observed } from '../dashboard/observed-events.js';
import { fetchGatewayStats, type GatewayStats } from '../dashboard/sources/gateway-stats.js';
import { StoreStatusProbe, type StoreMemberRef } from '../dashboard/sources/store-status.js';

const POLL_MS = 500;

/**
 * Watches the store and the gateway during a chaos run: counts store leader changes and endpoint
 * breakers turning open, as the dashboard notices them, by polling twice a second.
 */
export class ClusterWatch {
  private readonly probe = new StoreStatusProbe();
  /** One probe per member asked after alone (a probe drops channels to members it is not asked about). */
  private readonly single = new Map<string, StoreStatusProbe>();
  private observed: Observed | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  leaderChanges = 0;
  breakerTrips = 0;
  readonly events: string[] = [];

  constructor(
    private readonly store: readonly StoreMemberRef[],
    private readonly gateway: string,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => {
      this.polling ??= this.poll().finally(() => (this.polling = undefined));
    }, POLL_MS);
  }

  /** The store members' status right now (used to tell when a restarted member is back). */
  async memberReachable(name: string): Promise<boolean> {
    const member = this.store.find((m) => m.name === name);
    if (!member) return false;
    let probe = this.single.get(name);
    if (!probe) {
      probe = new StoreStatusProbe();
      this.single.set(name, probe);
    }
    return (await probe.poll([member], 400)).members[0]?.reachable ?? false;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
    this.probe.close();
    for (const probe of this.single.values()) probe.close();
  }

  private async poll(): Promise<void> {
    const [store, stats] = await Promise.all([
      this.probe.poll(this.store, POLL_MS - 100),
      fetchGatewayStats(this.gateway, POLL_MS - 100).catch(() => undefined),
    ]);
    const next = observe(store, stats, this.observed);
    for (const e of changes(this.observed, next, Date.now())) {
      if (e.kind === 'leader-change') this.leaderChanges += 1;
      if (e.kind === 'breaker' && e.detail.endsWith('-> open')) this.breakerTrips += 1;
      this.log(e.detail);
    }
    this.observed = next;
  }
}

/** Retries and hedges the gateway's clients made between two stats readings. */
export function retriesAndHedges(before: GatewayStats | undefined, after: GatewayStats | undefined) {
  const total = (s: GatewayStats | undefined, f: (c: GatewayStats['clients'][number]) => number) =>
    (s?.clients ?? []).reduce((sum, c) => sum + f(c), 0);
  const retries = (c: GatewayStats['clients'][number]) => c.retries + c.transparentRetries;
  const hedges = (c: GatewayStats['clients'][number]) => c.hedges;
  // A gateway restarted in between starts its counters again: then count from zero.
  const delta = (a: number, b: number) => (b >= a ? b - a : b);
  return {
    retried: delta(total(before, retries), total(after, retries)),
    hedged: delta(total(before, hedges), total(after, hedges)),
  };
}
