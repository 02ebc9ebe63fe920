import { Metadata, type ClientDuplexStream } from '@grpc/grpc-js';
import { etcdserverpb, mvccpb } from '@flotilla/proto';
import { MemberRpc } from './rpc.js';

export interface SeenEvent {
  readonly revision: number;
  readonly type: 'put' | 'delete';
  readonly key: string;
  readonly value: string;
  /** When it arrived (performance.now()). */
  readonly at: number;
}

/** etcd's prefix range end: the prefix with its last byte incremented. */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  b[b.length - 1] = (b[b.length - 1] ?? 0) + 1;
  return b;
}

/**
 * A watcher on a key prefix over the raw Watch gRPC stream, as a careful client writes one: when its
 * stream breaks (the member it talks to was killed) it opens a new one on the next member, from
 * the revision after the last one it saw. Everything it receives is kept, duplicates included, so
 * the test can check that each revision came exactly once and in order.
 */
export class ResumingWatcher {
  readonly events: SeenEvent[] = [];
  /** Revisions delivered out of order or twice (should stay empty). */
  readonly violations: string[] = [];
  reconnects = 0;
  /** The highest revision seen (events or progress). */
  lastRevision: number;
  private closed = false;
  private stream: ClientDuplexStream<etcdserverpb.WatchRequest, etcdserverpb.WatchResponse> | null = null;
  private rpc: MemberRpc | null = null;
  private attempt = 0;
  private failure: Error | null = null;

  /** `pick` names the member for each (re)connection, e.g. the next one in turn or the leader. */
  constructor(
    readonly name: string,
    private readonly pick: (attempt: number) => Promise<string> | string,
    private readonly prefix: string,
    startRevision: number,
  ) {
    this.lastRevision = startRevision - 1;
    void this.connect();
  }

  /** A fatal answer (the watch was cancelled, e.g. compacted): the test fails with it. */
  get error(): Error | null {
    return this.failure;
  }

  /** Drops the current stream as a broken connection would: the watcher resumes on `pick`'s next member. */
  breakStream(): void {
    this.stream?.cancel();
  }

  close(): void {
    this.closed = true;
    this.stream?.cancel();
    this.rpc?.close();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let endpoint: string;
    try {
      endpoint = await this.pick(this.attempt++);
    } catch {
      if (!this.closed) setTimeout(() => void this.connect(), 100).unref();
      return;
    }
    if (this.closed) return;
    const rpc = new MemberRpc(endpoint);
    this.rpc = rpc;
    const stream = rpc.watch.watch(new Metadata());
    this.stream = stream;
    let broken = false;
    const reconnect = (): void => {
      if (broken) return;
      broken = true;
      stream.cancel();
      rpc.close();
      if (this.closed) return;
      this.reconnects++;
      setTimeout(() => void this.connect(), 100).unref();
    };
    stream.on('data', (res: etcdserverpb.WatchResponse) => {
      if (broken) return;
      if (res.canceled) {
        this.failure = new Error(
          `${this.name}: watch cancelled by ${endpoint}: ${res.cancelReason} (compact revision ${res.compactRevision})`,
        );
        return;
      }
      for (const e of res.events) this.seen(e, endpoint);
    });
    stream.on('error', reconnect);
    stream.on('end', reconnect);
    stream.write(
      etcdserverpb.WatchRequest.fromPartial({
        createRequest: {
          key: Buffer.from(this.prefix),
          rangeEnd: prefixEnd(this.prefix),
          startRevision: this.lastRevision + 1,
        },
      }),
    );
  }

  private seen(e: mvccpb.Event, endpoint: string): void {
    const kv = e.kv;
    if (!kv) return;
    const revision = kv.modRevision;
    const last = this.events.at(-1);
    if (last && revision < last.revision) {
      this.violations.push(`revision ${revision} after ${last.revision} (from ${endpoint})`);
    } else if (last && revision === last.revision && Buffer.from(kv.key).toString() <= last.key) {
      this.violations.push(
        `revision ${revision} key ${Buffer.from(kv.key).toString()} again (from ${endpoint})`,
      );
    }
    this.events.push({
      revision,
      type: e.type === mvccpb.Event_EventType.Delete ? 'delete' : 'put',
      key: Buffer.from(kv.key).toString(),
      value: Buffer.from(kv.value).toString(),
      at: performance.now(),
    });
    if (revision > this.lastRevision) this.lastRevision = revision;
  }
}
