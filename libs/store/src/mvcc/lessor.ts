import { LeaseExistsError, LeaseNotFoundError, LeaseTtlTooLargeError } from './errors.js';
import type { KeyString } from './key-range.js';
import { generatedLeaseId } from './lease-id.js';

/** etcd's "no lease" ID. */
export const NO_LEASE = 0;

/** etcd's MaxLeaseTTL, in seconds. */
export const MAX_LEASE_TTL = 9_000_000_000;

/**
 * etcd's default minimum TTL: ceil(1.5 × election timeout) with its default 1 s election timeout, so
 * a lease outlives a leader election. A grant below it (0 and negatives too) is raised to it.
 */
export const DEFAULT_MIN_LEASE_TTL = 2;

export interface Lease {
  readonly id: number;
  /** The TTL granted, in seconds. When it runs out is the leader's business, not the state's. */
  readonly ttl: number;
  /** The keys attached, as latin1 key strings. */
  readonly keys: ReadonlySet<KeyString>;
}

interface LeaseEntry {
  id: number;
  ttl: number;
  keys: Set<KeyString>;
}

/**
 * The lease table as replicated state, without clocks: which leases exist, the TTL each was granted
 * and which keys each holds. Expiry is decided by the leader and arrives as a revoke.
 */
export class Lessor {
  private readonly leases = new Map<number, LeaseEntry>();
  /** How many IDs the lessor has generated: the state that makes generated IDs agree on every replica. */
  private idSequence = 0;

  constructor(readonly minTtl = DEFAULT_MIN_LEASE_TTL) {}

  /** Grants a lease; `id` 0 lets the lessor choose one. Errors and TTL rules are etcd's. */
  grant(id: number, ttl: number): Lease {
    if (ttl > MAX_LEASE_TTL) throw new LeaseTtlTooLargeError();
    const leaseId = id === NO_LEASE ? this.nextId() : id;
    if (this.leases.has(leaseId)) throw new LeaseExistsError();
    const entry: LeaseEntry = { id: leaseId, ttl: Math.max(ttl, this.minTtl), keys: new Set() };
    this.leases.set(leaseId, entry);
    return entry;
  }

  has(id: number): boolean {
    return this.leases.has(id);
  }

  get(id: number): Lease | undefined {
    return this.leases.get(id);
  }

  /** Removes the lease and returns its keys in byte order: the order etcd deletes them in. */
  remove(id: number): KeyString[] {
    const entry = this.leases.get(id);
    if (!entry) throw new LeaseNotFoundError();
    this.leases.delete(id);
    return [...entry.keys].sort();
  }

  attach(id: number, key: KeyString): void {
    const entry = this.leases.get(id);
    if (!entry) throw new LeaseNotFoundError();
    entry.keys.add(key);
  }

  detach(id: number, key: KeyString): void {
    this.leases.get(id)?.keys.delete(key);
  }

  /** Every lease, by ascending ID. */
  list(): Lease[] {
    return [...this.leases.values()].sort((a, b) => a.id - b.id);
  }

  get size(): number {
    return this.leases.size;
  }

  /** For snapshots: the ID generator's position. */
  get generatedCount(): number {
    return this.idSequence;
  }

  /** Restores the table from a snapshot (keys are attached afterwards, from the restored keys). */
  static restore(
    minTtl: number,
    leases: Iterable<{ id: number; ttl: number }>,
    generatedCount: number,
  ): Lessor {
    const lessor = new Lessor(minTtl);
    for (const { id, ttl } of leases) lessor.leases.set(id, { id, ttl, keys: new Set() });
    lessor.idSequence = generatedCount;
    return lessor;
  }

  private nextId(): number {
    for (;;) {
      const id = generatedLeaseId(++this.idSequence);
      if (!this.leases.has(id)) return id;
    }
  }
}
