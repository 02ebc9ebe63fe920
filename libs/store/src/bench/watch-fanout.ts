import type { Etcd3, Watcher } from 'etcd3';
import { benchClient } from './bench-clients.js';
import { Latencies } from './latency.js';

export interface FanoutResult {
  readonly watchers: number;
  readonly puts: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Puts that some watcher had not seen within the deadline. */
  readonly missed: number;
}

const SEEN_DEADLINE_MS = 5000;
const KEY = 'bench/watched';

/**
 * `watchers` watchers of one key, each on its own client, spread over the members; a writer puts
 * the key `puts` times, one after the other. Per put: from the Put's acknowledgement until the last
 * watcher has the event (0 when all had it before the acknowledgement arrived).
 */
export async function watchFanout(
  endpoints: readonly string[],
  writer: Etcd3,
  o: { readonly watchers: number; readonly puts: number; readonly value: Buffer },
): Promise<FanoutResult> {
  const clients = Array.from({ length: o.watchers }, (_, i) => benchClient(endpoints[i % endpoints.length]));
  const watchers: Watcher[] = [];
  /** Per watcher: the highest revision seen and when. */
  const seen = clients.map(() => ({ revision: 0, at: 0 }));
  let wake: () => void = () => undefined;
  try {
    for (const [i, client] of clients.entries()) {
      const w = await client.watch().key(KEY).create();
      w.on('put', (kv) => {
        seen[i] = { revision: Number(kv.mod_revision), at: performance.now() };
        wake();
      });
      watchers.push(w);
    }
    const latencies = new Latencies();
    let missed = 0;
    for (let p = 0; p < o.puts; p++) {
      const res = await writer.put(KEY).value(o.value).exec();
      const ackAt = performance.now();
      const revision = Number(res.header.revision);
      const allSeen = (): boolean => seen.every((s) => s.revision >= revision);
      const deadline = ackAt + SEEN_DEADLINE_MS;
      while (!allSeen() && performance.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.max(0, deadline - performance.now())).unref();
        });
      }
      if (!allSeen()) {
        missed++;
        continue;
      }
      const last = Math.max(...seen.map((s) => s.at));
      latencies.add(Math.max(0, last - ackAt));
    }
    return {
      watchers: o.watchers,
      puts: o.puts,
      p50Ms: latencies.percentile(50),
      p99Ms: latencies.percentile(99),
      missed,
    };
  } finally {
    await Promise.allSettled(watchers.map((w) => w.cancel()));
    for (const c of clients) c.close();
  }
}
