import type { Etcd3, IKeyValue, IWatchResponse, Watcher } from 'etcd3';
import { Backoff } from '../registrar/backoff.js';
import { decodeEndpoint, type ServiceEndpoint, serviceKeyPrefix } from '../naming/endpoint-codec.js';

export type EndpointListener = (endpoints: ServiceEndpoint[]) => void;
export type WatchErrorListener = (error: Error) => void;

/**
 * Mirrors the instances of one service: an initial Get, then a watch from revision+1. etcd3 resumes
 * a broken watch stream from the last revision by itself; if that revision was compacted away etcd
 * cancels the watch, and we list again. While etcd is unreachable the last known set stays put:
 * stale-but-serving beats an outage.
 */
export class ServiceWatcher {
  private readonly keyPrefix: string;
  private readonly endpoints = new Map<string, ServiceEndpoint>();
  private readonly listeners = new Set<EndpointListener>();
  private readonly errorListeners = new Set<WatchErrorListener>();
  private readonly backoff = new Backoff({ initialMs: 50, maxMs: 1000 });
  private watcher: Watcher | undefined;
  private synced = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastError: Error | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly prefix: string,
    readonly service: string,
  ) {
    this.keyPrefix = serviceKeyPrefix(prefix, service);
    void this.sync();
  }

  /** True once the first Get has answered. */
  get ready(): boolean {
    return this.synced;
  }

  /** The last error seen since the last successful sync, if any (etcd down, for example). */
  get error(): Error | undefined {
    return this.lastError;
  }

  current(): ServiceEndpoint[] {
    return [...this.endpoints.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Calls `listener` with every new set (and at once with the current set, if synced). */
  subscribe(listener: EndpointListener, onError?: WatchErrorListener): () => void {
    this.listeners.add(listener);
    if (onError) this.errorListeners.add(onError);
    if (this.synced) listener(this.current());
    else if (this.lastError && onError) onError(this.lastError);
    return () => {
      this.listeners.delete(listener);
      if (onError) this.errorListeners.delete(onError);
    };
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const watcher = this.watcher;
    this.watcher = undefined;
    this.listeners.clear();
    this.errorListeners.clear();
    // cancel() waits for etcd's confirmation, which never comes while etcd is down.
    if (watcher)
      await Promise.race([
        watcher.cancel().catch(() => undefined),
        new Promise((r) => setTimeout(r, 1000).unref()),
      ]);
  }

  private async sync(): Promise<void> {
    if (this.closed) return;
    try {
      const prefix = Buffer.from(this.keyPrefix);
      const response = await this.client.kv.range({ key: prefix, range_end: prefixEnd(prefix) });
      if (this.closed) return;
      this.endpoints.clear();
      for (const kv of response.kvs) this.apply('Put', kv);
      this.synced = true;
      this.lastError = undefined;
      this.backoff.reset();
      this.publish();
      this.startWatch(BigInt(response.header.revision) + 1n);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private startWatch(fromRevision: bigint): void {
    const watcher = this.client
      .watch()
      .prefix(this.keyPrefix)
      .startRevision(fromRevision.toString())
      .watcher();
    this.watcher = watcher;
    watcher.on('data', (response: IWatchResponse) => {
      if (this.watcher !== watcher || response.events.length === 0) return;
      for (const event of response.events) this.apply(event.type, event.kv);
      this.publish();
    });
    watcher.on('disconnected', (error: Error) => {
      if (this.watcher === watcher) this.reportError(error);
    });
    watcher.on('connected', () => {
      if (this.watcher === watcher) this.lastError = undefined;
    });
    // etcd cancelled the watch, e.g. because the revision to resume from was compacted: list again.
    watcher.on('error', (error: Error) => {
      if (this.watcher !== watcher) return;
      this.watcher = undefined;
      void watcher.cancel().catch(() => undefined);
      this.fail(error);
    });
  }

  private apply(type: string, kv: IKeyValue): void {
    const key = kv.key.toString('utf8');
    if (type === 'Delete') {
      this.endpoints.delete(key);
      return;
    }
    const endpoint = decodeEndpoint(this.prefix, key, kv.value.toString('utf8'), kv.mod_revision);
    // Only direct children of the service prefix, so "greeter" never picks up "greeter2".
    if (endpoint && endpoint.service === this.service && !endpoint.instanceId.includes('/'))
      this.endpoints.set(key, endpoint);
    else this.endpoints.delete(key);
  }

  private publish(): void {
    const snapshot = this.current();
    for (const listener of [...this.listeners]) listener(snapshot);
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.reportError(error);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.sync(), this.backoff.next());
  }

  private reportError(error: Error): void {
    this.lastError = error;
    for (const listener of [...this.errorListeners]) listener(error);
  }
}

/** The etcd range end that selects every key starting with `prefix`. */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] ?? 0) < 0xff) {
      end[i] = (end[i] ?? 0) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}
