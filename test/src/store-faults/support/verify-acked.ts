import { Metadata } from '@grpc/grpc-js';
import { etcdserverpb, mvccpb } from '@flotilla/proto';
import type { AckedWriters } from './acked-writers.js';
import { prefixEnd, type SeenEvent } from './resuming-watcher.js';
import type { MemberRpc } from './rpc.js';

/**
 * Every event from `startRevision` up to `untilRevision` on the prefix, through one watch stream
 * (a watch from the past replays the history).
 */
export function readHistory(
  rpc: MemberRpc,
  prefix: string,
  startRevision: number,
  untilRevision: number,
  timeoutMs = 30_000,
): Promise<SeenEvent[]> {
  return new Promise((resolve, reject) => {
    const events: SeenEvent[] = [];
    const stream = rpc.watch.watch(new Metadata());
    const timer = setTimeout(() => {
      stream.cancel();
      reject(
        new Error(
          `history of ${prefix} up to revision ${untilRevision}: only ${events.length} events after ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    const done = (e?: Error): void => {
      clearTimeout(timer);
      stream.removeAllListeners('data');
      stream.on('error', () => undefined);
      stream.cancel();
      if (e) reject(e);
      else resolve(events);
    };
    stream.on('data', (res: etcdserverpb.WatchResponse) => {
      if (res.canceled)
        return done(
          new Error(`history watch cancelled: ${res.cancelReason} (compacted to ${res.compactRevision})`),
        );
      for (const e of res.events) {
        if (!e.kv) continue;
        events.push({
          revision: e.kv.modRevision,
          type: e.type === mvccpb.Event_EventType.Delete ? 'delete' : 'put',
          key: Buffer.from(e.kv.key).toString(),
          value: Buffer.from(e.kv.value).toString(),
          at: performance.now(),
        });
      }
      if ((events.at(-1)?.revision ?? 0) >= untilRevision) done();
    });
    stream.on('error', (e: Error) => done(e));
    if (untilRevision < startRevision) return done();
    stream.write(
      etcdserverpb.WatchRequest.fromPartial({
        createRequest: { key: Buffer.from(prefix), rangeEnd: prefixEnd(prefix), startRevision },
      }),
    );
  });
}

export interface AckedCheck {
  readonly keys: number;
  readonly acked: number;
  /** Keys whose value is a Put that failed or was in flight, applied after the last acknowledged one. */
  readonly unacknowledgedApplied: number;
  readonly revision: number;
  readonly problems: string[];
}

/**
 * Checks, on one member with linearizable reads, that every acknowledged Put is in the history at
 * its revision with its value, and that every key holds its last acknowledged value at that
 * revision or a later Put whose outcome the writer did not learn.
 */
export async function verifyAcked(
  rpc: MemberRpc,
  writers: AckedWriters,
  prefix: string,
): Promise<AckedCheck> {
  const problems: string[] = [];
  const range = await rpc.range({ key: Buffer.from(prefix), rangeEnd: prefixEnd(prefix) }, 10_000);
  const revision = range.header?.revision ?? 0;
  const now = new Map(range.kvs.map((kv) => [Buffer.from(kv.key).toString(), kv]));
  const last = new Map<string, (typeof writers.acked)[number]>();
  for (const w of writers.acked) {
    const prev = last.get(w.key);
    if (!prev || w.revision > prev.revision) last.set(w.key, w);
  }
  let unacknowledgedApplied = 0;
  for (const [key, w] of last) {
    const kv = now.get(key);
    if (!kv) {
      problems.push(`${key}: gone; last acknowledged ${w.value} at revision ${w.revision}`);
      continue;
    }
    const value = Buffer.from(kv.value).toString();
    if (value === w.value && kv.modRevision === w.revision) continue;
    if (kv.modRevision > w.revision && writers.unknown.get(key)?.has(value)) {
      unacknowledgedApplied++;
      continue;
    }
    problems.push(
      `${key}: holds ${value} at mod_revision ${kv.modRevision}; last acknowledged ${w.value} at revision ${w.revision}`,
    );
  }
  const firstRevision = Math.min(...writers.acked.map((w) => w.revision));
  // The newest event under the prefix is the newest live key's (the writers never delete).
  const until = Math.max(0, ...range.kvs.map((kv) => kv.modRevision));
  const history = await readHistory(rpc, prefix, firstRevision, until);
  const atRevision = new Map<number, SeenEvent[]>();
  for (const e of history) atRevision.set(e.revision, [...(atRevision.get(e.revision) ?? []), e]);
  for (const w of writers.acked) {
    const events = atRevision.get(w.revision) ?? [];
    if (!events.some((e) => e.type === 'put' && e.key === w.key && e.value === w.value)) {
      problems.push(
        `revision ${w.revision}: acknowledged put ${w.key}=${w.value}, history has ${JSON.stringify(events)}`,
      );
    }
  }
  return { keys: last.size, acked: writers.acked.length, unacknowledgedApplied, revision, problems };
}
