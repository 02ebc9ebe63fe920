import { createDiscovery, DEFAULT_PREFIX, type Discovery, type ServiceEndpoint } from '@flotilla/discovery';
import { Etcd3 } from 'etcd3';

export interface LeaseView {
  /** Seconds left; -1 once expired. */
  ttl: number;
  granted: number;
}

/**
 * The registry as the dashboard sees it: each service's registered instances, live through
 * @flotilla/discovery's watch, and the remaining TTL of each registration's lease (etcd's
 * Lease.TimeToLive, which discovery does not expose), polled.
 */
export class RegistryView {
  private discovery: Discovery | undefined;
  private connecting: Promise<void> | undefined;
  private etcd: Etcd3 | undefined;
  private readonly sets = new Map<string, ServiceEndpoint[]>();
  private readonly unsubscribe = new Map<string, () => void>();
  /** etcd key -> its lease. */
  private leases = new Map<string, LeaseView>();
  private closed = false;
  lastError: string | undefined;

  constructor(
    private readonly endpoints: readonly string[],
    /** Called whenever a watched service's set of instances changes. */
    private readonly onChange: () => void,
  ) {}

  /** Connects on first use (and again after a failed attempt) and watches every named service. */
  async watch(services: readonly string[]): Promise<void> {
    if (this.closed || this.endpoints.length === 0) return;
    if (!this.discovery) {
      this.connecting ??= createDiscovery({ endpoints: [...this.endpoints], connectTimeoutMs: 2000 }).then(
        (d) => {
          if (this.closed) void d.close();
          else this.discovery = d;
        },
        (error: unknown) => {
          this.lastError = `registry: ${(error as Error).message}`;
        },
      );
      await this.connecting;
      this.connecting = undefined;
    }
    const discovery = this.discovery;
    if (!discovery) return;
    for (const service of services) {
      if (this.unsubscribe.has(service)) continue;
      this.unsubscribe.set(
        service,
        discovery.subscribe(
          service,
          (endpoints) => {
            this.sets.set(service, endpoints);
            this.onChange();
          },
          (error) => {
            this.lastError = `registry watch of ${service}: ${error.message}`;
          },
        ),
      );
    }
  }

  /** The instances registered for `service`, or undefined before the watch has reported. */
  registered(service: string): ServiceEndpoint[] | undefined {
    return this.sets.get(service);
  }

  lease(service: string, instanceId: string): LeaseView | undefined {
    return this.leases.get(`${DEFAULT_PREFIX}/${service}/${instanceId}`);
  }

  /** Reads every registration's lease and its time to live (one range, then one call per lease). */
  async pollLeases(timeoutMs: number): Promise<void> {
    if (this.closed || this.endpoints.length === 0) return;
    this.etcd ??= new Etcd3({
      hosts: [...this.endpoints],
      dialTimeout: timeoutMs,
      defaultCallOptions: () => ({ deadline: Date.now() + timeoutMs }),
    });
    const etcd = this.etcd;
    const kvs = await etcd.getAll().prefix(`${DEFAULT_PREFIX}/`).exec();
    const byLease = new Map<string, LeaseView | undefined>();
    for (const kv of kvs.kvs) if (kv.lease !== '0') byLease.set(kv.lease, undefined);
    await Promise.all(
      [...byLease.keys()].map(async (id) => {
        const answer = await etcd.leaseClient.leaseTimeToLive({ ID: id });
        byLease.set(id, { ttl: Number(answer.TTL), granted: Number(answer.grantedTTL) });
      }),
    );
    const leases = new Map<string, LeaseView>();
    for (const kv of kvs.kvs) {
      const lease = byLease.get(kv.lease);
      if (lease) leases.set(kv.key.toString('utf8'), lease);
    }
    this.leases = leases;
    // The registry answered: a watch error from before is over (watches reconnect by themselves).
    this.lastError = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.unsubscribe.values()) stop();
    this.unsubscribe.clear();
    await this.connecting;
    await this.discovery?.close();
    this.etcd?.close();
  }
}
