import { EtcdError } from '../mvcc/errors.js';
import type { Lease } from '../mvcc/lessor.js';
import { RpcErrors } from '../rpc-errors.js';

export interface LeaseKeeperOptions {
  now(): number;
  /** Proposes the revocation of an expired lease through Raft. */
  revoke(id: number): Promise<unknown>;
  /** How often expiry is checked, ms (default 100). */
  checkEveryMs?: number;
  /** A revocation that did not take effect is proposed again after this long, ms (default 1000). */
  retryMs?: number;
}

/**
 * Lease time, on the leader only (as etcd's lessor): expiry deadlines live in the leader's memory
 * and are refreshed by keep-alives; an expired lease is revoked through the log, so every member
 * deletes its keys at the same revision. A new leader first extends every lease by its full TTL
 * (`promote`) so a failover never expires a lease that was being kept alive.
 */
export class LeaseKeeper {
  private readonly deadlines = new Map<number, number>();
  private readonly revoking = new Map<number, number>();
  private leading = false;
  private timer: NodeJS.Timeout | null = null;
  private waiters: (() => void)[] = [];

  constructor(private readonly options: LeaseKeeperOptions) {}

  get isLeading(): boolean {
    return this.leading;
  }

  /** This member became a ready leader: every lease gets its full TTL from now. */
  promote(leases: readonly Lease[]): void {
    this.leading = true;
    const now = this.options.now();
    this.deadlines.clear();
    this.revoking.clear();
    for (const l of leases) this.deadlines.set(l.id, now + l.ttl * 1000);
    this.timer ??= setInterval(() => this.expire(), this.options.checkEveryMs ?? 100);
    this.timer.unref();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /**
   * Resolves once this member leads with every lease extended (a new leader answers keep-alives
   * only after `promote`, never with "expired" for a lease the old leader kept alive); rejects
   * with an etcd "leader changed" error after `timeoutMs`.
   */
  whenLeading(timeoutMs: number): Promise<void> {
    if (this.leading) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new EtcdError(RpcErrors.leaderChanged));
      }, timeoutMs);
      this.waiters.push(done);
    });
  }

  demote(): void {
    this.leading = false;
    this.deadlines.clear();
    this.revoking.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  granted(id: number, ttl: number): void {
    if (this.leading) this.deadlines.set(id, this.options.now() + ttl * 1000);
  }

  revoked(id: number): void {
    this.deadlines.delete(id);
    this.revoking.delete(id);
  }

  /** A keep-alive: the lease lives `ttl` seconds from now. False when it is unknown here. */
  keepAlive(id: number, ttl: number): boolean {
    if (!this.deadlines.has(id) || this.revoking.has(id)) return false;
    this.deadlines.set(id, this.options.now() + ttl * 1000);
    return true;
  }

  /** Seconds left (rounded up), -1 when expired or unknown. */
  remaining(id: number): number {
    const deadline = this.deadlines.get(id);
    if (deadline === undefined) return -1;
    const left = deadline - this.options.now();
    return left <= 0 ? -1 : Math.ceil(left / 1000);
  }

  stop(): void {
    this.demote();
  }

  private expire(): void {
    if (!this.leading) return;
    const now = this.options.now();
    for (const [id, deadline] of this.deadlines) {
      if (deadline > now) continue;
      const since = this.revoking.get(id);
      if (since !== undefined && now - since < (this.options.retryMs ?? 1000)) continue;
      this.revoking.set(id, now);
      this.options.revoke(id).catch(() => {
        // Not committed (leadership lost, overload): tried again after retryMs while still leading.
      });
    }
  }
}
