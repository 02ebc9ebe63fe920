import { EventEmitter } from 'node:events';
import {
  type Etcd3,
  EtcdLeaseInvalidError,
  type IDuplexStream,
  type ILeaseKeepAliveRequest,
  type ILeaseKeepAliveResponse,
  type Watcher,
} from 'etcd3';
import { EtcdUnavailableError } from '../errors.js';
import { encodeEndpointValue, type EndpointMetadata, instanceKey } from '../naming/endpoint-codec.js';
import { assertInstanceId, assertServiceName, assertTtl, parseHostPort } from '../naming/validate.js';
import { Backoff, type BackoffOptions } from './backoff.js';

export type RegistrationState = 'registering' | 'registered' | 'retrying' | 'stopped';

export interface RegisterOptions {
  service: string;
  instanceId: string;
  /** `host:port` clients should dial. */
  address: string;
  metadata?: EndpointMetadata;
  /** Lease TTL in whole seconds. Default 10. */
  ttl?: number;
  /** How often to renew the lease. Default a third of the TTL, as etcd's Go client does. */
  keepaliveIntervalMs?: number;
  /** A renewal without an answer after this long counts as a failure. Default min(interval, 2000 ms). */
  keepaliveTimeoutMs?: number;
  /** Retry pacing after a failure (default 100 ms doubling to 1 s, jittered). Retries never stop. */
  backoff?: BackoffOptions;
  /** `register()` rejects if the first registration has not succeeded by then. Default: the connect timeout. */
  startTimeoutMs?: number;
}

export interface RegistrationEvents {
  /** Every state change. */
  state: [state: RegistrationState];
  /** The key is in etcd under a live lease (first time, or again after a failure). */
  registered: [info: { key: string; leaseId: string; attempt: number }];
  /** A step failed; the registrar waits `delayMs` and tries again. */
  retrying: [info: { error: Error; attempt: number; delayMs: number }];
  /** etcd said the lease is gone (expired or revoked); a new one will be granted. */
  leaseLost: [info: { leaseId: string; reason: string }];
  /** The key was deleted from outside while the lease lived, and was put back. */
  keyRestored: [info: { key: string; leaseId: string }];
  stopped: [];
}

/** A live registration. It keeps itself alive until `deregister()`. */
export interface Registration {
  readonly key: string;
  readonly state: RegistrationState;
  /** The current lease (hex-free decimal string), or undefined between leases. */
  readonly leaseId: string | undefined;
  on<E extends keyof RegistrationEvents>(event: E, listener: (...args: RegistrationEvents[E]) => void): this;
  off<E extends keyof RegistrationEvents>(event: E, listener: (...args: RegistrationEvents[E]) => void): this;
  /**
   * Stops renewing and revokes the lease, which deletes the key at once. If etcd is unreachable the
   * revoke gives up after `timeoutMs` and the key expires with its TTL instead. Safe to call twice.
   */
  deregister(timeoutMs?: number): Promise<{ revoked: boolean }>;
}

class LeaseLost extends Error {
  constructor(
    readonly leaseId: string,
    reason: string,
  ) {
    super(reason);
  }
}

interface Session {
  leaseId: string;
  fail(error: Error): void;
  close(): void;
}

const DEFAULT_TTL = 10;

/**
 * Keeps one instance key in etcd under a lease: grant, put, renew; after any failure, retry forever
 * with jittered backoff; re-grant and re-put when the lease is lost; put the key back when someone
 * deletes it while the lease lives.
 */
export class Registrar extends EventEmitter<RegistrationEvents> implements Registration {
  readonly key: string;
  private readonly value: string;
  private readonly ttl: number;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly backoff: Backoff;
  private currentState: RegistrationState = 'registering';
  private lease: string | undefined;
  private session: Session | undefined;
  private keyWatcher: Watcher | undefined;
  private stopping = false;
  private readonly sleepers = new Set<() => void>();
  private checkingKey = false;
  private loop: Promise<void> | undefined;
  private deregistering: Promise<{ revoked: boolean }> | undefined;
  private registrations = 0;

  constructor(
    private readonly client: Etcd3,
    prefix: string,
    options: RegisterOptions,
    private readonly callTimeoutMs: number,
  ) {
    super();
    assertServiceName(options.service);
    assertInstanceId(options.instanceId);
    parseHostPort(options.address);
    this.ttl = assertTtl(options.ttl ?? DEFAULT_TTL);
    this.key = instanceKey(prefix, options.service, options.instanceId);
    this.value = encodeEndpointValue(options.address, options.metadata ?? {});
    this.intervalMs = options.keepaliveIntervalMs ?? (this.ttl * 1000) / 3;
    this.timeoutMs = options.keepaliveTimeoutMs ?? Math.min(this.intervalMs, 2000);
    this.backoff = new Backoff(options.backoff);
  }

  get state(): RegistrationState {
    return this.currentState;
  }

  get leaseId(): string | undefined {
    return this.lease;
  }

  /** Starts the loop and resolves once registered; rejects (and stops) if that takes over `startTimeoutMs`. */
  async start(startTimeoutMs: number, endpoints: readonly string[]): Promise<void> {
    this.watchOwnKey();
    this.loop = this.run();
    let timer: NodeJS.Timeout | undefined;
    let onRetry: ((info: { error: Error }) => void) | undefined;
    let lastError: Error | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        onRetry = (info) => (lastError = info.error);
        this.on('retrying', onRetry);
        this.once('registered', () => resolve());
        timer = setTimeout(() => {
          reject(
            new EtcdUnavailableError(
              `could not register ${this.key} within ${startTimeoutMs} ms; etcd endpoints tried: ${endpoints.join(', ')}` +
                (lastError ? `; last error: ${lastError.message}` : ''),
              endpoints,
              { cause: lastError },
            ),
          );
        }, startTimeoutMs);
      });
    } catch (error) {
      await this.deregister();
      throw error;
    } finally {
      clearTimeout(timer);
      if (onRetry) this.off('retrying', onRetry);
    }
  }

  deregister(timeoutMs = this.callTimeoutMs): Promise<{ revoked: boolean }> {
    this.deregistering ??= (async () => {
      this.stopping = true;
      this.session?.close();
      for (const wake of this.sleepers) wake();
      await this.loop;
      const watcher = this.keyWatcher;
      this.keyWatcher = undefined;
      // cancel() waits for etcd to confirm; do not hold shutdown hostage to a dead etcd.
      void watcher?.cancel().catch(() => undefined);
      let revoked = false;
      const leaseId = this.lease;
      this.lease = undefined;
      if (leaseId !== undefined) {
        try {
          await this.client.leaseClient.leaseRevoke({ ID: leaseId }, { deadline: Date.now() + timeoutMs });
          revoked = true;
        } catch (error) {
          // Already gone counts as revoked: the key is gone either way.
          revoked = error instanceof EtcdLeaseInvalidError;
        }
      }
      this.setState('stopped');
      this.emit('stopped');
      return { revoked };
    })();
    return this.deregistering;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (this.lease === undefined) {
          const grant = await this.client.leaseClient.leaseGrant({ TTL: this.ttl });
          if (this.stopping) {
            this.lease = grant.ID; // deregister() revokes it
            return;
          }
          try {
            await this.client.kv.put({
              key: Buffer.from(this.key),
              value: Buffer.from(this.value),
              lease: grant.ID,
            });
          } catch (error) {
            // The lease holds nothing yet; revoke it rather than leave one behind per failed attempt.
            await this.client.leaseClient
              .leaseRevoke({ ID: grant.ID }, { deadline: Date.now() + this.callTimeoutMs })
              .catch(() => undefined);
            throw error;
          }
          this.lease = grant.ID;
          this.markRegistered();
        }
        await this.keepAlive(this.lease);
      } catch (error) {
        if (this.stopping) return;
        const failure = error instanceof Error ? error : new Error(String(error));
        if (failure instanceof LeaseLost || failure instanceof EtcdLeaseInvalidError) {
          const leaseId = this.lease ?? '';
          this.lease = undefined;
          this.emit('leaseLost', { leaseId, reason: failure.message });
        }
        const delayMs = this.backoff.next();
        this.setState('retrying');
        this.emit('retrying', { error: failure, attempt: this.backoff.attempts, delayMs });
        await this.sleep(delayMs);
      }
    }
  }

  private markRegistered(): void {
    this.backoff.reset();
    this.registrations += 1;
    this.setState('registered');
    this.emit('registered', { key: this.key, leaseId: this.lease ?? '', attempt: this.registrations });
  }

  /**
   * One keepalive stream. Resolves only when stopping; rejects on any failure, with LeaseLost if
   * etcd says the lease is gone. After a failure, the first good answer re-checks the key, which
   * may have been deleted while we could not see it.
   */
  private async keepAlive(leaseId: string): Promise<void> {
    const stream: IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse> =
      await this.client.leaseClient.leaseKeepAlive();
    await new Promise<void>((resolve, reject) => {
      const timers: { interval?: NodeJS.Timeout; answer?: NodeJS.Timeout } = {};
      let done = false;
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        clearInterval(timers.interval);
        clearTimeout(timers.answer);
        if (this.session === session) this.session = undefined;
        try {
          if (error) stream.cancel();
          else stream.end();
        } catch {
          // The stream may already be dead.
        }
        if (error) reject(error);
        else resolve();
      };
      const ping = () => {
        if (timers.answer === undefined) {
          timers.answer = setTimeout(
            () => finish(new Error(`lease keepalive got no answer within ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }
        try {
          stream.write({ ID: leaseId });
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const session: Session = { leaseId, fail: finish, close: () => finish() };
      this.session = session;
      stream.on('data', (response) => {
        clearTimeout(timers.answer);
        timers.answer = undefined;
        if (response.TTL === '0') {
          finish(new LeaseLost(leaseId, `lease ${leaseId} expired or was revoked`));
          return;
        }
        if (this.currentState !== 'registered' && !this.checkingKey) {
          this.checkingKey = true;
          this.ensureKey(leaseId)
            .then(
              () => {
                if (!done) this.markRegistered();
              },
              (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
            )
            .finally(() => (this.checkingKey = false));
        }
      });
      stream.on('error', (error) => finish(error));
      stream.on('end', () => finish(new Error('lease keepalive stream ended')));
      if (this.stopping) return finish();
      timers.interval = setInterval(ping, this.intervalMs);
      ping();
    });
  }

  /** Puts the key back if it is missing or changed. Throws EtcdLeaseInvalidError if the lease is gone. */
  private async ensureKey(leaseId: string): Promise<void> {
    const got = await this.client.kv.range({ key: Buffer.from(this.key) });
    const kv = got.kvs[0];
    if (kv && kv.value.toString('utf8') === this.value && kv.lease === leaseId) return;
    await this.client.kv.put({ key: Buffer.from(this.key), value: Buffer.from(this.value), lease: leaseId });
    if (kv === undefined) this.emit('keyRestored', { key: this.key, leaseId });
  }

  /** Watches our own key so an outside delete is undone at once, not at the next renewal. */
  private watchOwnKey(): void {
    const watcher = this.client.watch().key(this.key).watcher();
    this.keyWatcher = watcher;
    watcher.on('delete', () => void this.restoreKey());
    // A cancelled watch (e.g. its revision was compacted away) is replaced, and the key re-checked.
    watcher.on('error', () => {
      if (this.stopping || this.keyWatcher !== watcher) return;
      void watcher.cancel().catch(() => undefined);
      this.watchOwnKey();
      void this.restoreKey();
    });
  }

  private async restoreKey(): Promise<void> {
    const backoff = new Backoff({ initialMs: 50, maxMs: 500 });
    for (;;) {
      const leaseId = this.lease;
      if (this.stopping || leaseId === undefined || this.currentState !== 'registered') return;
      try {
        await this.ensureKey(leaseId);
        return;
      } catch (error) {
        if (error instanceof EtcdLeaseInvalidError) {
          // The lease was revoked (that is what deleted the key): end the session to re-register.
          if (this.session?.leaseId === leaseId)
            this.session.fail(new LeaseLost(leaseId, `lease ${leaseId} was revoked`));
          return;
        }
        await this.sleep(backoff.next());
      }
    }
  }

  private setState(state: RegistrationState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.emit('state', state);
  }

  /** A timer that deregister() cuts short. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }
}
