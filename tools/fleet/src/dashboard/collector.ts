import { statSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ClientView,
  FleetEvent,
  GatewayView,
  InstanceView,
  SeriesPoint,
  ServiceView,
  Snapshot,
} from './model.js';
import { fetchServerCalls } from './metrics/fetch-server-calls.js';
import { type InstanceScrape, ServiceSeries } from './metrics/service-series.js';
import { changes, observe, type Observed } from './observed-events.js';
import { endpointKey, RateTracker } from './rates.js';
import { fetchGatewayStats, type GatewayStats } from './sources/gateway-stats.js';
import { type Health, HealthProbe } from './sources/health.js';
import { RegistryView } from './sources/registry.js';
import { JsonLinesTail, readRunState, type RunState } from './sources/run-state.js';
import { StoreStatusProbe, type StoreView } from './sources/store-status.js';

export interface CollectorOptions {
  stateDir: string;
  /** How often to ask the registry, the store, the gateway and every instance. Default 1000 ms. */
  pollMs?: number;
  /** How often to look for changes in fleet.json and events.jsonl. Default 200 ms. */
  fileCheckMs?: number;
  /** Points kept for the charts. Default 600 (10 minutes at 1 s). */
  historySize?: number;
}

export type CollectorMessage =
  | { type: 'init'; snapshot: Snapshot; history: SeriesPoint[]; feed: FleetEvent[] }
  | { type: 'update'; snapshot: Snapshot; point?: SeriesPoint; events: FleetEvent[] };

const FEED_SIZE = 300;
const ACTIVE_STATES = new Set(['starting', 'running', 'paused']);

/** Strips a URL's scheme and path: `http://127.0.0.1:8080/` -> `127.0.0.1:8080`. */
const hostPort = (address: string) => address.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');

/**
 * Gathers what the dashboard shows, from outside the fleet: its state and event files, the
 * registry, the store members' status, the gateway's stats, each instance's health and each gRPC
 * instance's Prometheus metrics. Files are
 * checked often (so a kill shows at once); the network sources once per poll, all in parallel,
 * each with a deadline shorter than the poll, so a paused process only blanks its own row.
 */
export class Collector {
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly historySize: number;
  private readonly stateFile: string;
  private readonly events: JsonLinesTail;
  private readonly listeners = new Set<(m: CollectorMessage) => void>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly store = new StoreStatusProbe();
  private readonly health = new HealthProbe();
  private readonly rates = new RateTracker();
  private readonly serviceSeries = new ServiceSeries();
  private registry: RegistryView | undefined;
  /** The registry endpoints `registry` follows, comma-joined. */
  private registryKey: string | undefined;
  private runState: RunState | undefined;
  private runStateError: string | undefined;
  private fileStamp = '';
  private polling = false;
  private closed = false;
  private history: SeriesPoint[] = [];
  private feed: FleetEvent[] = [];
  private storeView: StoreView = { members: [] };
  private gateway: GatewayView | undefined;
  private healthOf = new Map<string, Health>();
  private problems = new Map<string, string>();
  private observed: Observed | undefined;

  constructor(private readonly options: CollectorOptions) {
    this.pollMs = options.pollMs ?? 1000;
    this.timeoutMs = Math.max(100, Math.round(this.pollMs * 0.8));
    this.historySize = options.historySize ?? 600;
    this.stateFile = join(options.stateDir, 'fleet.json');
    this.events = new JsonLinesTail(join(options.stateDir, 'events.jsonl'));
  }

  /** Reads everything once, then keeps polling until close(). */
  async start(): Promise<void> {
    await this.checkFiles(false);
    await this.poll();
    this.timers.push(
      setInterval(() => void this.poll(), this.pollMs),
      setInterval(() => void this.checkFiles(true), this.options.fileCheckMs ?? 200),
    );
  }

  /** Sends `init` at once, then every update; returns the unsubscribe function. */
  subscribe(listener: (m: CollectorMessage) => void): () => void {
    listener({ type: 'init', snapshot: this.snapshot(), history: [...this.history], feed: [...this.feed] });
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): Snapshot {
    const state = this.runState;
    const problems = [...this.problems.values()];
    if (this.runStateError) problems.unshift(this.runStateError);
    if (this.registry?.lastError) problems.push(this.registry.lastError);
    if (!state) return { at: Date.now(), services: [], store: this.storeView, problems };
    return {
      at: Date.now(),
      fleet: {
        pid: state.pid,
        registry: state.registry,
        ...(state.gateway ? { gateway: state.gateway } : {}),
        ...(state.control ? { control: state.control } : {}),
      },
      services: this.services(state),
      store: this.storeView,
      ...(this.gateway ? { gateway: this.gateway } : {}),
      problems,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.listeners.clear();
    this.store.close();
    this.health.close();
    await this.registry?.close();
  }

  private services(state: RunState): ServiceView[] {
    const gatewayAddress = state.gateway ? hostPort(state.gateway) : undefined;
    return Object.entries(state.services).map(([name, instances]) => {
      const kind = instances.some((i) => hostPort(i.address) === gatewayAddress) ? 'http' : 'grpc';
      const registered = this.registry?.registered(name);
      const ids = new Set(registered?.map((e) => e.instanceId));
      const views: InstanceView[] = instances.map((i) => {
        const lease = this.registry?.lease(name, i.instanceId);
        const health = ACTIVE_STATES.has(i.state) ? this.healthOf.get(i.address) : undefined;
        return {
          instanceId: i.instanceId,
          address: i.address,
          pid: i.pid,
          state: i.state,
          ...(health ? { health } : {}),
          ...(registered ? { registered: ids.has(i.instanceId) } : {}),
          ...(lease ? { leaseTtl: lease.ttl, leaseGranted: lease.granted } : {}),
        };
      });
      const known = new Set(instances.map((i) => i.instanceId));
      return {
        name,
        kind,
        instances: views,
        strangers: (registered ?? []).filter((e) => !known.has(e.instanceId)).map((e) => e.instanceId),
      };
    });
  }

  /** Re-reads fleet.json and events.jsonl when they changed; pushes an update if anything did. */
  private async checkFiles(push: boolean): Promise<void> {
    if (this.closed) return;
    let stamp = '';
    try {
      const s = statSync(this.stateFile);
      stamp = `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      stamp = 'absent';
    }
    let changed = false;
    if (stamp !== this.fileStamp) {
      this.fileStamp = stamp;
      const { state, error } = await readRunState(this.stateFile);
      // A torn read keeps the last good state; the next check sees the finished file.
      if (state || !error) this.runState = state;
      this.runStateError = error;
      this.followRegistry();
      changed = true;
    }
    const events = this.events.read();
    this.remember(events);
    if (push && (changed || events.length > 0)) this.push({ events });
  }

  /** A new fleet in the same state dir may use another registry: follow it. */
  private followRegistry(): void {
    const endpoints = this.runState?.registry ?? [];
    const key = endpoints.join(',');
    if (this.registryKey === key) return;
    this.registryKey = key;
    void this.registry?.close();
    this.registry = endpoints.length
      ? new RegistryView(endpoints, () => {
          if (!this.closed) this.push({ events: [] });
        })
      : undefined;
  }

  private async poll(): Promise<void> {
    // A poll still waiting on deadlines should not be joined by another.
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const state = this.runState;
      const at = Date.now();
      const [, , gatewayStats, , scrapes] = await Promise.all([
        this.pollRegistry(state),
        this.pollStore(state),
        this.pollGateway(state),
        this.pollHealth(state),
        this.pollMetrics(state),
      ]);
      if (this.closed) return;
      // The gRPC services' samples from their own metrics; the gateway's from its stats.
      const samples = this.serviceSeries.update(at, scrapes);
      if (gatewayStats) {
        const rates = this.rates.update(at, gatewayStats);
        this.gateway = this.gatewayView(state, gatewayStats, rates?.endpointRates);
        if (rates) samples[rates.service] = rates.sample;
      } else {
        this.gateway = undefined;
      }
      const point: SeriesPoint | undefined =
        Object.keys(samples).length > 0 ? { at, services: samples } : undefined;
      if (point) {
        this.history.push(point);
        if (this.history.length > this.historySize)
          this.history.splice(0, this.history.length - this.historySize);
      }
      const observed = observe(this.storeView, this.gateway, this.observed);
      const events = changes(this.observed, observed, at);
      this.observed = observed;
      this.remember(events);
      this.push({ events, ...(point ? { point } : {}) });
    } finally {
      this.polling = false;
    }
  }

  private async pollRegistry(state: RunState | undefined): Promise<void> {
    const registry = this.registry;
    if (!state || !registry) return;
    try {
      await registry.watch(Object.keys(state.services));
      await registry.pollLeases(this.timeoutMs);
      this.problems.delete('leases');
    } catch (error) {
      this.problems.set('leases', `registry leases: ${(error as Error).message}`);
    }
  }

  private async pollStore(state: RunState | undefined): Promise<void> {
    const members = state?.store.length
      ? state.store
      : (state?.registry ?? []).map((address, i) => ({ name: `member-${i + 1}`, address }));
    this.storeView = await this.store.poll(members, this.timeoutMs);
  }

  private async pollGateway(state: RunState | undefined): Promise<GatewayStats | undefined> {
    if (!state?.gateway) {
      this.problems.delete('gateway');
      return undefined;
    }
    try {
      const stats = await fetchGatewayStats(state.gateway, this.timeoutMs);
      this.problems.delete('gateway');
      return stats;
    } catch (error) {
      this.problems.set('gateway', `gateway stats: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Scrapes every running instance that has a metrics endpoint; one problem line names those that did not answer. */
  private async pollMetrics(state: RunState | undefined): Promise<InstanceScrape[]> {
    const targets = Object.entries(state?.services ?? {}).flatMap(([service, instances]) =>
      instances.flatMap((i) => (i.state === 'running' && i.metrics ? [{ service, i, url: i.metrics }] : [])),
    );
    const failures: string[] = [];
    const scrapes = await Promise.all(
      targets.map(async ({ service, i, url }): Promise<InstanceScrape | undefined> => {
        try {
          const calls = await fetchServerCalls(url, this.timeoutMs);
          return { service, instanceId: i.instanceId, pid: i.pid, calls };
        } catch (error) {
          failures.push(`${i.instanceId}: ${(error as Error).message}`);
          return undefined;
        }
      }),
    );
    if (failures.length > 0) this.problems.set('metrics', `metrics: ${failures.sort().join('; ')}`);
    else this.problems.delete('metrics');
    return scrapes.filter((s) => s !== undefined);
  }

  private async pollHealth(state: RunState | undefined): Promise<void> {
    if (!state) return;
    const gatewayAddress = state.gateway ? hostPort(state.gateway) : undefined;
    const checks = Object.values(state.services)
      .flat()
      .filter((i) => ACTIVE_STATES.has(i.state))
      .map(async (i) => {
        const address = hostPort(i.address);
        const health =
          address === gatewayAddress
            ? await this.health.http(`http://${address}`, this.timeoutMs)
            : await this.health.grpc(address, this.timeoutMs);
        return [i.address, health] as const;
      });
    const results = await Promise.all(checks);
    this.healthOf = new Map(results);
    this.health.retain(results.map(([address]) => hostPort(address)));
  }

  private gatewayView(
    state: RunState | undefined,
    stats: GatewayStats,
    endpointRates: Map<string, number> | undefined,
  ): GatewayView {
    const byAddress = new Map<string, string>();
    for (const instances of Object.values(state?.services ?? {}))
      for (const i of instances) byAddress.set(hostPort(i.address), i.instanceId);
    const clients: ClientView[] = stats.clients.map((c) => ({
      service: c.service,
      ...(c.policy ? { policy: c.policy } : {}),
      retries: c.retries,
      transparentRetries: c.transparentRetries,
      hedges: c.hedges,
      retriesThrottled: c.retriesThrottled,
      endpoints: c.endpoints.map((e) => {
        const instanceId = byAddress.get(hostPort(e.address));
        return {
          address: e.address,
          ...(instanceId ? { instanceId } : {}),
          breaker: e.breaker,
          ewmaMs: e.ewmaMs,
          inflight: e.inflight,
          rate: endpointRates?.get(endpointKey(c.service, e.address)) ?? 0,
          failed: e.failed,
        };
      }),
    }));
    return {
      url: state?.gateway ?? '',
      instanceId: stats.instanceId,
      calls: stats.http.calls,
      failed: stats.http.failed,
      p50Ms: stats.http.p50Ms,
      p99Ms: stats.http.p99Ms,
      clients,
    };
  }

  private remember(events: FleetEvent[]): void {
    if (events.length === 0) return;
    this.feed.push(...events);
    if (this.feed.length > FEED_SIZE) this.feed.splice(0, this.feed.length - FEED_SIZE);
  }

  private push(update: { events: FleetEvent[]; point?: SeriesPoint }): void {
    if (this.listeners.size === 0) return;
    const message: CollectorMessage = { type: 'update', snapshot: this.snapshot(), ...update };
    for (const listener of this.listeners) listener(message);
  }
}
