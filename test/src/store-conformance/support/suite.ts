import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Backend } from './backends.js';
import { startCluster, type Cluster, type ClusterOptions } from './cluster.js';
import { RawClient } from './raw-client.js';
import type { RangeResponse, ResponseHeader } from './wire.js';

/** What a describe block's cases share: one cluster of one backend, and clients to its first member. */
export interface Backed {
  readonly backend: Backend;
  readonly cluster: Cluster;
  /** etcd's gRPC API on the first member, with status codes. */
  readonly raw: RawClient;
  /** The etcd3 client on every member. */
  readonly etcd3: Etcd3;
  /** Endpoints (`127.0.0.1:<port>`) for etcdctl. */
  readonly endpoints: readonly string[];
  /** A RawClient to any endpoint (closed with the suite). */
  rawAt(endpoint: string): RawClient;
}

/**
 * Starts a cluster of `backend` before the block's cases and stops it (and closes every client)
 * after them, also when a case failed. Use inside a describe block.
 */
export function useCluster(options: ClusterOptions): Backed {
  let state: { cluster: Cluster; raw: RawClient; etcd3: Etcd3 } | undefined;
  const extra: RawClient[] = [];
  const get = () => {
    if (!state) throw new Error(`the ${options.backend} cluster did not start (see beforeAll)`);
    return state;
  };
  beforeAll(async () => {
    const cluster = await startCluster(options);
    state = {
      cluster,
      raw: new RawClient(cluster.endpoints[0] ?? ''),
      etcd3: new Etcd3({ hosts: cluster.endpoints.map((e) => `http://${e}`) }),
    };
  });
  afterAll(async () => {
    for (const c of extra) c.close();
    if (state) {
      state.raw.close();
      state.etcd3.close();
      await state.cluster.stop();
    }
  });
  return {
    backend: options.backend,
    get cluster() {
      return get().cluster;
    },
    get raw() {
      return get().raw;
    },
    get etcd3() {
      return get().etcd3;
    },
    get endpoints() {
      return get().cluster.endpoints;
    },
    rawAt(endpoint) {
      const c = new RawClient(endpoint);
      extra.push(c);
      return c;
    },
  };
}

export const bytes = (s: string): Buffer => Buffer.from(s);

/** The store's current revision, from a linearizable Range. */
export async function currentRevision(raw: RawClient): Promise<number> {
  const r = await raw.kv<RangeResponse>('range', { key: bytes('\0'), count_only: true });
  return Number(r.header.revision);
}

/** A response header as etcd fills it: cluster_id, member_id, revision and raft_term all set. */
export function expectFullHeader(
  header: ResponseHeader | null | undefined,
  expected: { memberId?: string; clusterId?: string; revision?: number } = {},
): void {
  expect(header, 'response header').toBeTruthy();
  const h = header as ResponseHeader;
  expect(BigInt(h.cluster_id), 'cluster_id').toBeGreaterThan(0n);
  expect(BigInt(h.member_id), 'member_id').toBeGreaterThan(0n);
  expect(BigInt(h.revision), 'revision').toBeGreaterThan(0n);
  expect(BigInt(h.raft_term), 'raft_term').toBeGreaterThan(0n);
  if (expected.memberId !== undefined) expect(h.member_id, 'member_id').toBe(expected.memberId);
  if (expected.clusterId !== undefined) expect(h.cluster_id, 'cluster_id').toBe(expected.clusterId);
  if (expected.revision !== undefined) expect(Number(h.revision), 'revision').toBe(expected.revision);
}

/**
 * Where etcd 3.4 itself fills less than the whole header: Cluster responses and a watch's compaction
 * cancel leave `revision` at 0, and Alarm and MoveLeader send no header at all. The issue asks
 * flotilla-store for every field on every response, so the store is held to the full header and
 * etcd to what it sends.
 */
export type EtcdHeaderGap = 'no-revision' | 'no-header';

/** The full header on flotilla-store; on etcd, the full header less its known `gap`. */
export function expectHeader(
  backend: Backend,
  gap: EtcdHeaderGap,
  header: ResponseHeader | null | undefined,
  expected: { memberId?: string; clusterId?: string } = {},
): void {
  if (backend === 'flotilla-store') {
    expectFullHeader(header, expected);
    return;
  }
  // (Later etcd versions fill more; whatever etcd sends must still be well-formed.)
  if (gap === 'no-header' && (header === null || header === undefined)) return;
  expect(header, 'response header').toBeTruthy();
  const h = header as ResponseHeader;
  expect(BigInt(h.cluster_id), 'cluster_id').toBeGreaterThan(0n);
  expect(BigInt(h.member_id), 'member_id').toBeGreaterThan(0n);
  expect(BigInt(h.raft_term), 'raft_term').toBeGreaterThan(0n);
  if (expected.memberId !== undefined) expect(h.member_id, 'member_id').toBe(expected.memberId);
  if (expected.clusterId !== undefined) expect(h.cluster_id, 'cluster_id').toBe(expected.clusterId);
}

/** `{ key, value }` pairs of a Range, as strings, for compact comparisons. */
export function pairs(r: { kvs: { key: Buffer; value: Buffer }[] }): [string, string][] {
  return r.kvs.map((kv) => [kv.key.toString(), kv.value.toString()]);
}

/**
 * Calls `call` until it succeeds, as a client would while `retryable(error)` holds; any other error,
 * or the deadline, fails at once (unlike waitFor, which keeps polling through every error).
 */
export async function retrying<T>(
  call: () => Promise<T>,
  retryable: (error: unknown) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (e) {
      if (!retryable(e)) throw e;
      if (Date.now() >= deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms retrying ${what}; last error: ${(e as Error).message}`,
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The message of a failed gRPC call (`details`), or ''. */
export const detailsOf = (e: unknown): string => (e as { details?: string }).details ?? '';
