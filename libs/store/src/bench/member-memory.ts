import { readFileSync } from 'node:fs';
import type { EtcdCluster } from '@flotilla/testing';
import type { Etcd3 } from 'etcd3';

export interface MemoryResult {
  readonly keys: number;
  readonly revisions: number;
  /** RSS per member, MiB, after filling and after compacting to the last revision. */
  readonly beforeMiB: readonly number[];
  readonly afterMiB: readonly number[];
  /** Puts that failed (e.g. "leader changed") and were made again: the fill measures memory, not availability. */
  readonly retriedPuts: number;
}

const RETRY_PAUSE_MS = 100;
const MAX_RETRIES_PER_PUT = 100;

/** Resident set size of a process, MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

/**
 * Writes `keys` keys once and then overwrites random ones until the store holds `revisions`
 * revisions of history; reads every member's RSS; compacts to the last revision (physical, as
 * etcd's auto-compaction would eventually) and reads it again. A failed Put is made again and
 * counted, so that one unavailable moment does not lose the measurement.
 */
export async function memoryAfterHistory(
  cluster: EtcdCluster,
  client: Etcd3,
  o: { readonly keys: number; readonly revisions: number; readonly value: Buffer; readonly settleMs: number },
): Promise<MemoryResult> {
  let next = 0;
  let revision = 0;
  let retriedPuts = 0;
  const put = async (key: number): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await client.put(`mem/${key}`).value(o.value).exec();
        revision = Math.max(revision, Number(res.header.revision));
        return;
      } catch (e) {
        if (attempt >= MAX_RETRIES_PER_PUT) throw e;
        retriedPuts++;
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      }
    }
  };
  const writer = async (): Promise<void> => {
    // Every key once, then overwrites spread over the key space (a fixed stride, no RNG needed).
    for (let n = next++; n < o.revisions; n = next++) await put(n < o.keys ? n : (n * 7919) % o.keys);
  };
  await Promise.all(Array.from({ length: 256 }, writer));
  const rss = async (): Promise<number[]> => {
    await new Promise((resolve) => setTimeout(resolve, o.settleMs));
    return cluster.members.map((m) => {
      if (m.pid === undefined || !m.running) throw new Error(`memory: member ${m.name} is not running`);
      return rssMiB(m.pid);
    });
  };
  const beforeMiB = await rss();
  await client.kv.compact({ revision: String(revision), physical: true });
  const afterMiB = await rss();
  return { keys: o.keys, revisions: o.revisions, beforeMiB, afterMiB, retriedPuts };
}
