import type { ServerDuplexStream } from '@grpc/grpc-js';
import { etcdserverpb, type mvccpb } from '@flotilla/proto';
import type { Event } from '../mvcc/types.js';
import type { StoreNode } from './store-node.js';

type Stream = ServerDuplexStream<etcdserverpb.WatchRequest, etcdserverpb.WatchResponse>;

/** etcd's id for responses that belong to no watcher (a progress answer). */
const NO_WATCH_ID = -1;

export interface WatchServiceOptions {
  /** How often watchers that asked for progress_notify get an empty response (etcd: 10 min). */
  readonly progressNotifyMs?: number;
}

/** etcd's Watch service: many watchers per bidirectional stream, served from this member's applied state. */
export function watchService(node: StoreNode, options: WatchServiceOptions = {}): etcdserverpb.WatchServer {
  return {
    watch: (call: Stream) => {
      new WatchStream(node, call, options.progressNotifyMs ?? 10 * 60_000).run();
    },
  };
}

class WatchStream {
  private readonly cancels = new Map<number, () => void>();
  private readonly progress = new Set<number>();
  private nextId = 0;
  private closed = false;
  private ticker: NodeJS.Timeout | null = null;

  constructor(
    private readonly node: StoreNode,
    private readonly call: Stream,
    private readonly progressNotifyMs: number,
  ) {}

  run(): void {
    this.call.on('data', (req: etcdserverpb.WatchRequest) => this.handle(req));
    const close = (): void => this.close();
    this.call.on('end', () => {
      this.close();
      this.call.end();
    });
    this.call.on('error', close);
    this.call.on('cancelled', close);
    this.call.on('close', close);
  }

  private handle(req: etcdserverpb.WatchRequest): void {
    if (this.closed) return;
    if (req.createRequest) this.create(req.createRequest);
    else if (req.cancelRequest) this.cancel(req.cancelRequest.watchId);
    else if (req.progressRequest) this.send({ watchId: NO_WATCH_ID });
  }

  private create(c: etcdserverpb.WatchCreateRequest): void {
    let id = c.watchId;
    if (id === 0 || id === undefined) {
      while (this.cancels.has(this.nextId)) this.nextId++;
      id = this.nextId++;
    } else if (this.cancels.has(id)) {
      this.send({
        watchId: id,
        created: true,
        canceled: true,
        cancelReason: 'mvcc: duplicate watch ID provided on the WatchStream',
      });
      return;
    }
    const watchId = id;
    // The "created" answer goes first; history and live events follow in revision order.
    this.send({ watchId, created: true });
    const start = this.node.hub.watch(
      {
        key: c.key,
        rangeEnd: c.rangeEnd,
        startRevision: c.startRevision,
        prevKv: c.prevKv,
        noPut: c.filters.includes(etcdserverpb.WatchCreateRequest_FilterType.Noput),
        noDelete: c.filters.includes(etcdserverpb.WatchCreateRequest_FilterType.Nodelete),
      },
      {
        events: (events, revision) =>
          this.send({ watchId, events: events as Event[] as mvccpb.Event[] }, revision),
        compacted: (compactRevision) => this.compacted(watchId, compactRevision),
      },
    );
    if (!start.ok) {
      this.compacted(watchId, start.compactRevision);
      return;
    }
    this.cancels.set(watchId, start.cancel);
    if (c.progressNotify) {
      this.progress.add(watchId);
      this.ticker ??= setInterval(() => this.notifyProgress(), this.progressNotifyMs);
      this.ticker.unref();
    }
  }

  private compacted(watchId: number, compactRevision: number): void {
    this.cancels.delete(watchId);
    this.progress.delete(watchId);
    this.send({ watchId, canceled: true, compactRevision });
  }

  private cancel(watchId: number): void {
    const cancel = this.cancels.get(watchId);
    if (!cancel) return;
    cancel();
    this.cancels.delete(watchId);
    this.progress.delete(watchId);
    this.send({ watchId, canceled: true });
  }

  private notifyProgress(): void {
    for (const watchId of this.progress) this.send({ watchId });
  }

  private send(partial: Partial<etcdserverpb.WatchResponse>, revision?: number): void {
    if (this.closed) return;
    this.call.write({
      header: this.node.header(revision),
      watchId: 0,
      created: false,
      canceled: false,
      compactRevision: 0,
      cancelReason: '',
      fragment: false,
      events: [],
      ...partial,
    });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cancel of this.cancels.values()) cancel();
    this.cancels.clear();
    if (this.ticker) clearInterval(this.ticker);
  }
}
