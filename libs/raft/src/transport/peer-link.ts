import { credentials, type ClientWritableStream } from '@grpc/grpc-js';
import { raftV1 } from '@flotilla/proto';
import { messageSize, type Message } from '../core/messages.js';
import type { NodeId } from '../core/types.js';
import { toWire } from './message-codec.js';

export interface PeerLinkOptions {
  /** Stamped on every message (see GrpcTransportOptions.clusterId). */
  readonly clusterId: string;
  /** Messages waiting for the stream; beyond this, new messages are dropped. */
  readonly queueLimit: number;
  /** A batch is closed before its estimated wire size would exceed this (one message always fits). */
  readonly maxBatchBytes: number;
  /** After a failed stream, messages are dropped for this long, doubling up to maxBackoffMs. */
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** gRPC channel options (message size limits, keepalive). */
  readonly channelOptions: Record<string, number>;
}

/**
 * Counters of the traffic towards one peer. Owned by the transport, not the link, so that they
 * survive the peer moving to a new address (a new link).
 */
export interface PeerCounters {
  /** Written to the stream (not necessarily delivered). */
  sent: number;
  /** Dropped: queue full, peer down (backing off), or lost with a failed stream or a closed link. */
  dropped: number;
  /** Streams that ended in an error. */
  failures: number;
}

export interface PeerLinkStats extends PeerCounters {
  /** Waiting in the queue right now. */
  queued: number;
}

type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'open'; readonly call: ClientWritableStream<raftV1.RaftBatch>; blocked: boolean }
  | { readonly kind: 'backoff'; readonly timer: NodeJS.Timeout }
  | { readonly kind: 'closed' };

/**
 * The sending side towards one peer: one long-lived client stream, so messages arrive in order.
 * `send` never blocks: it queues (bounded) and returns. The queue is written at the end of the
 * event-loop turn (or when the stream drains), as few RaftBatch messages as the size bound allows:
 * each gRPC message costs far more than encoding a Raft message, so a burst (a Ready's messages,
 * or everything queued while the stream was busy) goes out as one.
 * When the stream fails the link drops messages for a backoff period instead of queueing stale
 * ones, then opens a new stream on the next send. Raft retransmits whatever matters.
 */
export class PeerLink {
  private readonly client: raftV1.RaftTransportClient;
  private readonly queue: Message[] = [];
  private state: State = { kind: 'idle' };
  private backoffMs: number;
  private flushScheduled: NodeJS.Immediate | null = null;
  /** Bound once: scheduling a flush allocates no closure. */
  private readonly scheduledFlush = (): void => {
    this.flushScheduled = null;
    this.flush();
  };

  constructor(
    readonly peer: NodeId,
    readonly address: string,
    private readonly options: PeerLinkOptions,
    private readonly counters: PeerCounters = { sent: 0, dropped: 0, failures: 0 },
    /** Called when the stream fails (the peer died, or cannot be reached). */
    private readonly onBroken: () => void = () => undefined,
  ) {
    this.client = new raftV1.RaftTransportClient(
      address,
      credentials.createInsecure(),
      options.channelOptions,
    );
    this.backoffMs = options.minBackoffMs;
  }

  stats(): PeerLinkStats {
    return { ...this.counters, queued: this.queue.length };
  }

  send(m: Message): void {
    const s = this.state;
    if (s.kind === 'closed' || s.kind === 'backoff' || this.queue.length >= this.options.queueLimit) {
      this.counters.dropped++;
      return;
    }
    this.queue.push(m);
    if (s.kind === 'idle') this.open();
    else if (!s.blocked && this.flushScheduled === null)
      this.flushScheduled = setImmediate(this.scheduledFlush);
  }

  /** Cancels the stream and drops (counting) whatever is queued. */
  close(): void {
    const s = this.state;
    this.state = { kind: 'closed' };
    if (s.kind === 'backoff') clearTimeout(s.timer);
    if (s.kind === 'open') s.call.cancel();
    if (this.flushScheduled !== null) clearImmediate(this.flushScheduled);
    this.flushScheduled = null;
    this.counters.dropped += this.queue.length;
    this.queue.length = 0;
    this.client.close();
  }

  private open(): void {
    const call = this.client.sendBatches((err) => this.onEnd(call, err));
    // Errors also arrive through the callback; the listener keeps them from being unhandled.
    call.on('error', () => undefined);
    // The server sends headers as soon as it accepts the stream: the peer is reachable again.
    call.on('metadata', () => {
      this.backoffMs = this.options.minBackoffMs;
    });
    call.on('drain', () => {
      if (this.state.kind === 'open' && this.state.call === call) {
        this.state.blocked = false;
        this.flush();
      }
    });
    this.state = { kind: 'open', call, blocked: false };
    if (this.flushScheduled === null) this.flushScheduled = setImmediate(this.scheduledFlush);
  }

  private flush(): void {
    const s = this.state;
    if (s.kind !== 'open') return;
    while (!s.blocked && this.queue.length > 0) {
      const messages = this.takeBatch();
      this.counters.sent += messages.length;
      // false: gRPC's buffer is full; wait for 'drain' so our bounded queue takes the pressure
      // (and the next batch collects everything queued meanwhile).
      if (!s.call.write({ messages })) s.blocked = true;
    }
  }

  /** Removes the longest prefix of the queue that fits in one batch (at least one message). */
  private takeBatch(): raftV1.RaftMessage[] {
    const { queue } = this;
    const { clusterId, maxBatchBytes } = this.options;
    const batch: raftV1.RaftMessage[] = [];
    let bytes = 0;
    for (const m of queue) {
      bytes += wireSizeEstimate(m, clusterId);
      if (batch.length > 0 && bytes > maxBatchBytes) break;
      batch.push(toWire(m, clusterId));
    }
    if (batch.length === queue.length) queue.length = 0;
    else queue.splice(0, batch.length);
    return batch;
  }

  private onEnd(call: ClientWritableStream<raftV1.RaftBatch>, err: Error | null): void {
    const s = this.state;
    if (s.kind !== 'open' || s.call !== call) return;
    if (!err) {
      // The peer ended the stream cleanly (e.g. shutting down); reopen on demand.
      this.state = { kind: 'idle' };
      if (this.queue.length > 0) this.open();
      return;
    }
    this.counters.failures++;
    this.onBroken();
    this.counters.dropped += this.queue.length;
    this.queue.length = 0;
    const timer = setTimeout(() => {
      if (this.state.kind === 'backoff') this.state = { kind: 'idle' };
    }, this.backoffMs);
    timer.unref();
    this.state = { kind: 'backoff', timer };
    this.backoffMs = Math.min(this.options.maxBackoffMs, this.backoffMs * 2);
  }
}

/**
 * A message's encoded size within a batch, estimated generously: the payload estimate plus its
 * strings at 3 UTF-8 bytes per UTF-16 unit and room for tags and varints. Within 2x of the truth,
 * which the transport's margin between maxBatchBytes and the gRPC message limit absorbs.
 */
function wireSizeEstimate(m: Message, clusterId: string): number {
  return messageSize(m) + 3 * (m.from.length + m.to.length + clusterId.length) + 32;
}
