import { MvccStore, type MvccStoreOptions } from '../mvcc-store.js';
import type { Event, KeyValue } from '../types.js';

/** Bytes from a latin1 string, so tests can write keys like 'a\xff'. */
export const b = (text: string): Buffer => Buffer.from(text, 'latin1');

/** A KeyValue as tests write expectations: strings for key and value, fields in etcd's order. */
export interface Kv {
  key: string;
  create: number;
  mod: number;
  version: number;
  value: string;
  lease: number;
}

export function kv(key: string, value: string, create: number, mod: number, version: number, lease = 0): Kv {
  return { key, create, mod, version, value, lease };
}

export function plain(keyValue: KeyValue): Kv {
  return {
    key: keyValue.key.toString('latin1'),
    create: keyValue.createRevision,
    mod: keyValue.modRevision,
    version: keyValue.version,
    value: keyValue.value.toString('latin1'),
    lease: keyValue.lease,
  };
}

export interface PlainEvent {
  type: 'PUT' | 'DELETE';
  kv: Kv;
  prev?: Kv;
}

export function plainEvent(event: Event): PlainEvent {
  const out: PlainEvent = { type: event.type === 0 ? 'PUT' : 'DELETE', kv: plain(event.kv) };
  if (event.prevKv) out.prev = plain(event.prevKv);
  return out;
}

/** A store after these writes: [key, value] puts, or [key, null] single-key deletes. */
export function storeWith(writes: Array<[string, string | null]>, options?: MvccStoreOptions): MvccStore {
  const store = new MvccStore(options);
  for (const [key, value] of writes) {
    if (value === null) store.deleteRange({ key: b(key) });
    else store.put({ key: b(key), value: b(value) });
  }
  return store;
}

/** The error a call throws, for tables of expected failures. */
export function thrown(call: () => unknown): Error | undefined {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

/** A small deterministic PRNG (mulberry32) for randomized tables that replay exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
