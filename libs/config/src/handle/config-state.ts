import type { ConfigViolation } from '../guard/config-violation.js';
import type { ServiceSchema } from './service-schema.js';

export interface ConfigChange<T extends Record<string, unknown>, K extends keyof T = keyof T> {
  key: K;
  value: T[K];
  previous: T[K];
  /** Store revision of the write; 0 for a value from the on-disk cache. */
  revision: number;
}

/** A stored value the handle refused: the violation (key, path, rule, message), with where it was. */
export interface ConfigInvalid extends ConfigViolation {
  service: string;
  /** The store revision of the refused value (0 for one from the cache file). */
  revision: number;
}

export type StateOutcome<T extends Record<string, unknown>> =
  { type: 'change'; change: ConfigChange<T> } | { type: 'invalid'; invalid: ConfigInvalid };

/** A stored value as read or watched: the key's last path segment, its JSON text and mod revision. */
export interface StoredValue {
  key: string;
  text: string;
  modRevision: number;
}

/**
 * The handle's values and how store events change them, with no I/O: a put replaces a key's value
 * if it passes the schema, a delete restores the default, and anything at or below a key's last
 * applied revision is a duplicate (a resumed watch, or a re-read after the watch) and is skipped.
 */
export class ConfigState<T extends Record<string, unknown>> {
  private values: T;
  /** JSON text of values that came from the store (not defaults), for the cache file. */
  private readonly texts = new Map<string, StoredValue>();
  /** Per key, the last revision applied (a put, valid or not, or a delete). */
  private readonly keyRevisions = new Map<string, number>();
  /** Highest revision seen: a watch resumes after it. */
  revision = 0;

  constructor(private readonly schema: ServiceSchema<T>) {
    this.values = { ...schema.defaults };
  }

  snapshot(): Readonly<T> {
    return this.values;
  }

  get<K extends keyof T>(key: K): T[K] {
    return this.values[key];
  }

  /** The values read from the store, for the cache file. */
  stored(): StoredValue[] {
    return [...this.texts.values()];
  }

  put(entry: StoredValue): StateOutcome<T> | undefined {
    if (!this.fresh(entry.key, entry.modRevision)) return undefined;
    const parsed = this.schema.parse(entry.key, entry.text);
    if (!parsed.ok) {
      return {
        type: 'invalid',
        invalid: { ...parsed.violation, service: this.schema.service, revision: entry.modRevision },
      };
    }
    this.texts.set(entry.key, entry);
    return this.set(entry.key, parsed.value, entry.modRevision);
  }

  delete(key: string, modRevision: number): StateOutcome<T> | undefined {
    if (!this.fresh(key, modRevision) || !this.schema.has(key)) return undefined;
    this.texts.delete(key);
    return this.set(key, this.schema.defaults[key], modRevision);
  }

  /**
   * A whole read of the service's prefix at `revision`: newer values are applied in revision order,
   * and keys the store no longer holds go back to their defaults.
   */
  reconcile(entries: readonly StoredValue[], revision: number): StateOutcome<T>[] {
    const outcomes: StateOutcome<T>[] = [];
    const present = new Set(entries.map((e) => e.key));
    for (const entry of [...entries].sort((a, b) => a.modRevision - b.modRevision)) {
      const outcome = this.put(entry);
      if (outcome) outcomes.push(outcome);
    }
    for (const key of [...this.texts.keys()]) {
      if (present.has(key)) continue;
      const outcome = this.delete(key, revision);
      if (outcome) outcomes.push(outcome);
    }
    this.revision = Math.max(this.revision, revision);
    return outcomes;
  }

  private fresh(key: string, modRevision: number): boolean {
    this.revision = Math.max(this.revision, modRevision);
    if (modRevision !== 0 && modRevision <= (this.keyRevisions.get(key) ?? 0)) return false;
    this.keyRevisions.set(key, modRevision);
    return true;
  }

  private set(key: string, value: unknown, revision: number): StateOutcome<T> | undefined {
    const previous = this.values[key];
    if (JSON.stringify(previous) === JSON.stringify(value)) return undefined;
    // A new object per change: a snapshot handed out earlier never changes under its holder.
    this.values = Object.freeze({ ...this.values, [key]: value }) as T;
    return {
      type: 'change',
      change: { key, value: value as T[keyof T], previous: previous as T[keyof T], revision },
    };
  }
}
