import { EventEmitter } from 'node:events';
import { Etcd3, type IKeyValue, type IWatchResponse, type Watcher } from 'etcd3';
import type { z } from 'zod';
import {
  resolveConnection,
  type ConfigConnectionOptions,
  type ResolvedConnection,
} from '../client/connection-options.js';
import { ConfigArgumentError } from '../errors.js';
import { configServicePrefix, parseConfigKey, schemaKey } from '../layout/key-layout.js';
import { AsyncQueue } from './async-queue.js';
import { CacheWriter, readCacheFile } from './cache-file.js';
import {
  ConfigState,
  type ConfigChange,
  type ConfigInvalid,
  type StateOutcome,
  type StoredValue,
} from './config-state.js';
import { ServiceSchema, type ConfigSchema } from './service-schema.js';

export interface ConfigLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface DefineConfigOptions extends ConfigConnectionOptions {
  /**
   * File holding the last good values (written atomically after each change). When the store cannot
   * be reached at start-up, values come from here instead of the defaults.
   */
  cacheFile?: string;
  /** Publish the schema under flotilla/schemas/<service> on start (only if it changed). Default true. */
  publishSchema?: boolean;
  /** Where notices and warnings go. Default: console. */
  logger?: ConfigLogger;
  /**
   * No store at all (local development, tests): serve the cache file's values, or the defaults, and
   * never connect. `endpoints` may then be empty. Such a handle is not stale. Default false.
   */
  offline?: boolean;
}

/** Where the values served right after start() came from. */
export type ConfigSource = 'store' | 'cache' | 'defaults';

export interface ConfigEvents<T extends Record<string, unknown>> {
  /** A key's value changed (a valid put, or a delete back to the default). */
  change: [ConfigChange<T>];
  /** A stored value broke the schema and was not applied; the last good value stays. */
  invalid: [ConfigInvalid];
  /** The store cannot be reached: values may be out of date. */
  stale: [{ reason: string }];
  /** Connected again (or for the first time); changes made meanwhile follow in revision order. */
  fresh: [{ revision: number }];
}

type Listener<T extends Record<string, unknown>> = (snapshot: Readonly<T>, change: ConfigChange<T>) => void;

/**
 * A service's live configuration: typed values from `flotilla/config/<service>/<key>`, with the
 * schema's defaults for keys not stored. Call start() once; values are readable before it resolves
 * (the defaults) and after close() (the last values).
 */
export class ConfigHandle<T extends Record<string, unknown>> {
  private readonly events = new EventEmitter();
  private readonly schema: ServiceSchema<T>;
  private readonly state: ConfigState<T>;
  /** The store connection; undefined for an `offline` handle. */
  private readonly link: { connection: ResolvedConnection; client: Etcd3 } | undefined;
  private readonly logger: ConfigLogger;
  private readonly cache: CacheWriter | undefined;
  private watcher: Watcher | undefined;
  private stale = true;
  private announcedStale = false;
  private closed = false;
  private started = false;
  private connecting: Promise<void> | undefined;
  private readonly queues = new Set<AsyncQueue<unknown>>();
  private readonly warnedUnknown = new Set<string>();
  private lastError: unknown;
  /** Where the values came from at start-up. */
  source: ConfigSource = 'defaults';

  constructor(
    readonly service: string,
    schema: ConfigSchema,
    private readonly options: DefineConfigOptions,
  ) {
    configServicePrefix(service); // throws on a bad name
    this.schema = new ServiceSchema<T>(service, schema);
    this.state = new ConfigState(this.schema);
    if (options.offline) this.link = undefined;
    else {
      const connection = resolveConnection(options);
      // etcd3 connects lazily: nothing is dialled before start().
      this.link = { connection, client: new Etcd3(connection.etcd3) };
    }
    this.logger = options.logger ?? console;
    this.cache =
      options.cacheFile === undefined
        ? undefined
        : new CacheWriter(options.cacheFile, (error) =>
            this.logger.warn(
              `config ${service}: could not write cache ${options.cacheFile}: ${String(error)}`,
            ),
          );
    // Every watch() iterator and subscriber is a listener; there may be many.
    this.events.setMaxListeners(0);
  }

  /**
   * Reads the stored values, publishes the schema and starts watching. If the store does not answer
   * within connectTimeoutMs, it serves the cached values (or the defaults), reports stale, and keeps
   * trying in the background. Never rejects for an unreachable store.
   */
  async start(): Promise<void> {
    if (this.started) throw new ConfigArgumentError(`config ${this.service}: start() was already called`);
    this.started = true;
    if (!this.link) {
      this.stale = false;
      this.logger.info(`config ${this.service}: offline (no store); serving ${await this.loadCache()}`);
      return;
    }
    // One connect loop, which goes on in the background if it does not succeed in time: a call
    // stuck on an unreachable member cannot hold start() past connectTimeoutMs.
    const timeoutMs = this.link.connection.connectTimeoutMs;
    const connected = this.connect();
    this.connecting = connected;
    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([
      connected.then(() => 'connected' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (this.closed) return;
    if (first === 'connected') {
      this.source = 'store';
      this.logger.info(
        `config ${this.service}: ${this.state.stored().length} stored values at revision ${this.state.revision}`,
      );
      return;
    }
    await this.startOffline(timeoutMs);
  }

  get<K extends keyof T>(key: K): T[K] {
    if (!this.schema.has(key as string))
      throw new ConfigArgumentError(
        `config ${this.service} has no key "${String(key)}" (keys: ${this.schema.keys.join(', ')})`,
      );
    return this.state.get(key);
  }

  /** The whole typed configuration; a new frozen object after each change. */
  snapshot(): Readonly<T> {
    return this.state.snapshot();
  }

  /** True while the store cannot be reached (values may be out of date). */
  isStale(): boolean {
    return this.stale;
  }

  /**
   * The key's current value, then each new value, as an async iterator:
   * `for await (const greeting of handle.watch('greeting')) ...`. Nothing is dropped for a slow
   * consumer. Ends when the loop breaks or the handle closes.
   */
  watch<K extends keyof T>(key: K): AsyncIterableIterator<T[K]> {
    const first = this.get(key);
    const queue: AsyncQueue<T[K]> = new AsyncQueue(() => {
      this.events.off('change', onChange);
      this.queues.delete(queue as AsyncQueue<unknown>);
    });
    const onChange = (change: ConfigChange<T>) => {
      if (change.key === key) queue.push(change.value as T[K]);
    };
    queue.push(first);
    if (this.closed) queue.end();
    else {
      this.events.on('change', onChange);
      this.queues.add(queue as AsyncQueue<unknown>);
    }
    return queue;
  }

  /** Calls `listener(snapshot, change)` after every change; returns the unsubscribe function. */
  subscribe(listener: Listener<T>): () => void {
    const onChange = (change: ConfigChange<T>) => listener(this.state.snapshot(), change);
    this.events.on('change', onChange);
    return () => this.events.off('change', onChange);
  }

  on<E extends keyof ConfigEvents<T>>(event: E, listener: (...args: ConfigEvents<T>[E]) => void): this {
    this.events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof ConfigEvents<T>>(event: E, listener: (...args: ConfigEvents<T>[E]) => void): this {
    this.events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<E extends keyof ConfigEvents<T>>(event: E, listener: (...args: ConfigEvents<T>[E]) => void): this {
    this.events.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Stops watching and closes the client; the last values stay readable. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const queue of this.queues) queue.end();
    this.queues.clear();
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.cancel().catch(() => undefined);
    this.link?.client.close();
    await this.connecting;
    await this.cache?.flush();
  }

  /**
   * Reads the prefix, starts the watch and publishes the schema, retrying until it succeeds or the
   * handle closes. Never rejects; the last failure is kept for messages.
   */
  private async connect(): Promise<void> {
    if (!this.link) return;
    const { client, connection } = this.link;
    const prefix = configServicePrefix(this.service);
    let delay = 50;
    for (;;) {
      try {
        const read = await client.getAll().prefix(prefix).exec();
        if (this.closed) return;
        const revision = Number(read.header.revision);
        this.apply(this.state.reconcile(this.entries(read.kvs), revision));
        this.startWatch(client, revision + 1);
        if (this.options.publishSchema !== false)
          await this.publishSchema(client).catch((error: unknown) => {
            // Values are read and watched; a schema that could not be published is retried at the next start.
            this.logger.warn(`config ${this.service}: could not publish the schema: ${errorText(error)}`);
          });
        this.markFresh();
        return;
      } catch (error) {
        if (this.closed) return;
        this.lastError = error;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, connection.reconnectMaxMs);
      }
    }
  }

  /** Serves the cache (or the defaults) when the store is unreachable at start-up, and says so. */
  private async startOffline(timeoutMs: number): Promise<void> {
    const endpoints = this.link?.connection.endpoints.join(', ');
    const last = this.lastError === undefined ? 'no answer' : errorText(this.lastError);
    const reason = `store unreachable at ${endpoints} for ${timeoutMs} ms (${last})`;
    const from = await this.loadCache();
    // The connect loop may have succeeded meanwhile; its values are newer than the cache's.
    if (!this.stale || this.closed) return;
    this.logger.warn(`config ${this.service}: ${reason}; serving ${from} and retrying`);
    this.markStale(reason);
  }

  /** Applies the cache file's values, if there is one; says where the values now come from. */
  private async loadCache(): Promise<string> {
    const file = this.options.cacheFile;
    if (file === undefined) return 'the defaults';
    try {
      const cached = await readCacheFile(file, this.service);
      if (!cached) return `the defaults (no cache at ${file} yet)`;
      // Connected while reading the file: the store's values are newer than anything cached.
      if (this.link && !this.stale) return 'the store';
      for (const value of cached.values) {
        const outcome = this.state.put(value);
        if (outcome?.type === 'invalid') this.report(outcome.invalid, 'cache');
      }
      this.source = 'cache';
      return `the cache ${file} (revision ${cached.revision})`;
    } catch (cacheError) {
      return `the defaults (cache ${file} unreadable: ${errorText(cacheError)})`;
    }
  }

  private startWatch(client: Etcd3, fromRevision: number): void {
    const watcher = client
      .watch()
      .prefix(configServicePrefix(this.service))
      .startRevision(String(fromRevision))
      .watcher();
    this.watcher = watcher;
    watcher.on('data', (response: IWatchResponse) => this.onWatchData(response));
    watcher.on('disconnected', (error: Error) => this.markStale(`watch stream lost: ${errorText(error)}`));
    // etcd3 re-attaches the watch from the revision after the last one it delivered, so the changes
    // made meanwhile arrive next, in order.
    watcher.on('connected', () => this.markFresh());
    watcher.on('error', (error: Error) => void this.onWatchError(watcher, error));
  }

  private onWatchData(response: IWatchResponse): void {
    const outcomes: StateOutcome<T>[] = [];
    for (const event of response.events) {
      const key = this.keyOf(event.kv);
      if (key === undefined) continue;
      const revision = Number(event.kv.mod_revision);
      const outcome =
        event.type === 'Put'
          ? this.state.put({ key, text: event.kv.value.toString('utf8'), modRevision: revision })
          : this.state.delete(key, revision);
      if (outcome) outcomes.push(outcome);
    }
    this.state.revision = Math.max(this.state.revision, Number(response.header.revision));
    this.apply(outcomes);
  }

  /** A watch the store cancelled (its history was compacted, say): read everything again and re-watch. */
  private async onWatchError(watcher: Watcher, error: Error): Promise<void> {
    if (this.closed || watcher !== this.watcher) return;
    this.logger.warn(
      `config ${this.service}: watch cancelled (${errorText(error)}); reading all values again`,
    );
    this.watcher = undefined;
    await watcher.cancel().catch(() => undefined);
    this.markStale(`watch cancelled: ${errorText(error)}`);
    this.connecting = this.connect();
  }

  private entries(kvs: readonly IKeyValue[]): StoredValue[] {
    const out: StoredValue[] = [];
    for (const kv of kvs) {
      const key = this.keyOf(kv);
      if (key !== undefined)
        out.push({ key, text: kv.value.toString('utf8'), modRevision: Number(kv.mod_revision) });
    }
    return out;
  }

  /** The schema key an etcd key holds, or undefined (another service, or a key the schema lacks: warned once). */
  private keyOf(kv: IKeyValue): string | undefined {
    const parsed = parseConfigKey(kv.key.toString('utf8'));
    if (!parsed || parsed.service !== this.service) return undefined;
    if (!this.schema.has(parsed.key) && !this.warnedUnknown.has(parsed.key)) {
      this.warnedUnknown.add(parsed.key);
      this.logger.warn(
        `config ${this.service}: ignoring stored key "${parsed.key}", which the schema does not define`,
      );
    }
    return this.schema.has(parsed.key) ? parsed.key : undefined;
  }

  private async publishSchema(client: Etcd3): Promise<void> {
    const key = schemaKey(this.service);
    const stored = await client.get(key).string();
    if (stored === this.schema.jsonText) return;
    await client.put(key).value(this.schema.jsonText);
    this.logger.info(`config ${this.service}: published schema under ${key}`);
  }

  private apply(outcomes: readonly StateOutcome<T>[]): void {
    let changed = false;
    for (const outcome of outcomes) {
      if (outcome.type === 'invalid') {
        this.report(outcome.invalid, 'store');
        continue;
      }
      changed = true;
      this.events.emit('change', outcome.change);
    }
    if (changed && this.cache) {
      this.cache.write({ service: this.service, revision: this.state.revision, values: this.state.stored() });
    }
  }

  private report(invalid: ConfigInvalid, from: 'store' | 'cache'): void {
    const at = from === 'store' ? `revision ${invalid.revision}` : 'the cache';
    this.logger.warn(
      `config ${this.service}: ignoring invalid value at ${at}, keeping the last good one: ${invalid.message}`,
    );
    this.events.emit('invalid', invalid);
  }

  /** One 'stale' event (and log line) per outage, however many reconnect attempts fail. */
  private markStale(reason: string): void {
    this.stale = true;
    if (this.announcedStale || this.closed) return;
    this.announcedStale = true;
    this.logger.warn(`config ${this.service}: stale: ${reason}`);
    this.events.emit('stale', { reason });
  }

  private markFresh(): void {
    if (!this.stale || this.closed) return;
    this.stale = false;
    this.announcedStale = false;
    this.events.emit('fresh', { revision: this.state.revision });
  }
}

/**
 * Declares a service's configuration. `schema` is a zod object whose every key has a default;
 * the handle's values are typed by it. Call `start()` on the result.
 */
export function defineConfig<S extends ConfigSchema>(
  service: string,
  schema: S,
  options: DefineConfigOptions,
): ConfigHandle<z.output<S> & Record<string, unknown>> {
  return new ConfigHandle(service, schema, options);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
