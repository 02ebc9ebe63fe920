import { randomUUID } from 'node:crypto';
import { connectEtcd, type EtcdConnection } from './etcd/etcd-client.js';
import type { EtcdConnectionOptions } from './etcd/etcd-options.js';
import { DiscoveryError, errorMessage, EtcdUnavailableError } from './errors.js';
import {
  DEFAULT_PREFIX,
  decodeEndpoint,
  type ServiceEndpoint,
  serviceKeyPrefix,
} from './naming/endpoint-codec.js';
import { forgetDiscovery } from './grpc/resolver-etcd.js';
import { assertServiceName, normalisePrefix } from './naming/validate.js';
import { type RegisterOptions, Registrar, type Registration } from './registrar/registrar.js';
import { LatestValueIterator } from './watch/latest-value-iterator.js';
import {
  type EndpointListener,
  prefixEnd,
  ServiceWatcher,
  type WatchErrorListener,
} from './watch/service-watcher.js';

export interface DiscoveryOptions extends EtcdConnectionOptions {
  /** Key prefix shared by every service. Default `flotilla/services`. */
  prefix?: string;
}

/**
 * Entry point: one etcd connection, shared by registrations, `list`, `watch` and the gRPC resolver.
 * Watches of the same service share one etcd watch.
 */
export class Discovery {
  /** Names this instance in channel options (see etcdChannelOptions). */
  readonly id: string = randomUUID();
  private readonly watchers = new Map<string, ServiceWatcher>();
  private readonly registrations = new Set<Registrar>();
  private readonly iterators = new Set<LatestValueIterator<ServiceEndpoint[]>>();
  private closed = false;

  private constructor(
    private readonly connection: EtcdConnection,
    readonly prefix: string,
  ) {}

  /**
   * Connects and checks that etcd answers and lets us read `<prefix>/`; rejects with
   * EtcdUnavailableError, or EtcdAuthError for refused/missing credentials (both name the endpoints).
   */
  static async connect(options: DiscoveryOptions): Promise<Discovery> {
    const prefix = normalisePrefix(options.prefix ?? DEFAULT_PREFIX);
    return new Discovery(await connectEtcd(options, `${prefix}/`), prefix);
  }

  /** The etcd endpoints this instance talks to. */
  get endpoints(): readonly string[] {
    return this.connection.options.endpoints;
  }

  /**
   * Registers an instance and resolves once its key is in etcd under a live lease. From then on the
   * registration keeps itself alive, retrying forever through etcd failures (see Registration).
   */
  async register(options: RegisterOptions): Promise<Registration> {
    this.assertOpen();
    const registrar = new Registrar(
      this.connection.client,
      this.prefix,
      options,
      this.connection.options.callTimeoutMs,
    );
    this.registrations.add(registrar);
    registrar.once('stopped', () => this.registrations.delete(registrar));
    await registrar.start(options.startTimeoutMs ?? this.connection.options.connectTimeoutMs, this.endpoints);
    return registrar;
  }

  /** The instances of `service` registered right now (one etcd Get). */
  async list(service: string): Promise<ServiceEndpoint[]> {
    this.assertOpen();
    const prefix = Buffer.from(serviceKeyPrefix(this.prefix, assertServiceName(service)));
    let response;
    try {
      response = await this.connection.client.kv.range({ key: prefix, range_end: prefixEnd(prefix) });
    } catch (error) {
      throw new EtcdUnavailableError(
        `cannot list "${service}": etcd at ${this.endpoints.join(', ')} failed: ${errorMessage(error)}`,
        this.endpoints,
        {
          cause: error,
        },
      );
    }
    return response.kvs
      .map((kv) =>
        decodeEndpoint(this.prefix, kv.key.toString('utf8'), kv.value.toString('utf8'), kv.mod_revision),
      )
      .filter(
        (e): e is ServiceEndpoint => e !== undefined && e.service === service && !e.instanceId.includes('/'),
      )
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  /**
   * The instances of `service` as an async iterator of sets: the current set first, then each new
   * set as instances come and go. A slow consumer sees only the newest set. While etcd is down the
   * iterator simply waits; it ends when the caller breaks out of the loop or `close()` is called.
   */
  watch(service: string): AsyncIterableIterator<ServiceEndpoint[]> {
    let unsubscribe: () => void = () => undefined;
    const iterator: LatestValueIterator<ServiceEndpoint[]> = new LatestValueIterator<ServiceEndpoint[]>(
      () => {
        this.iterators.delete(iterator);
        unsubscribe();
      },
    );
    unsubscribe = this.subscribe(service, (endpoints) => iterator.push(endpoints));
    this.iterators.add(iterator);
    return iterator;
  }

  /** Lower-level form of watch(): callbacks, shared with the gRPC resolver. Returns an unsubscribe function. */
  subscribe(service: string, listener: EndpointListener, onError?: WatchErrorListener): () => void {
    this.assertOpen();
    assertServiceName(service);
    let watcher = this.watchers.get(service);
    if (!watcher) {
      watcher = new ServiceWatcher(this.connection.client, this.prefix, service);
      this.watchers.set(service, watcher);
    }
    const shared = watcher;
    const unsubscribe = shared.subscribe(listener, onError);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      unsubscribe();
      if (shared.subscribers === 0 && this.watchers.get(service) === shared) {
        this.watchers.delete(service);
        void shared.close();
      }
    };
  }

  /** Deregisters what is still registered, stops every watch and closes the etcd connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    forgetDiscovery(this);
    for (const iterator of [...this.iterators]) void iterator.return();
    await Promise.all([...this.registrations].map((r) => r.deregister()));
    await Promise.all([...this.watchers.values()].map((w) => w.close()));
    this.watchers.clear();
    this.connection.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new DiscoveryError('this Discovery is closed');
  }
}

/** Shorthand for `Discovery.connect(options)`. */
export function createDiscovery(options: DiscoveryOptions): Promise<Discovery> {
  return Discovery.connect(options);
}
