import { credentials, type ClientWritableStream } from '@grpc/grpc-js';
import { raftV1 } from '@flotilla/proto';
import type { Message } from '../core/messages.js';
import type { NodeId } from '../core/types.js';
import { toWire } from './message-codec.js';

export interface PeerLinkOptions {
  /** Messages waiting for the stream; beyond this, new messages are dropped. */
  readonly queueLimit: number;
  /** After a failed stream, messages are dropped for this long, doubling up to maxBackoffMs. */
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** gRPC channel options (message size limits, keepalive). */
  readonly channelOptions: Record<string, number>;
}

export interface PeerLinkStats {
  /** Written to the stream (not necessarily delivered). */
  sent: number;
  /** Dropped: queue full, peer down (backing off), or lost with a failed stream. */
  dropped: number;
  /** Streams that ended in an error. */
  failures: number;
  /** Waiting in the queue right now. */
  queued: number;
}

type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'open'; readonly call: ClientWritableStream<raftV1.RaftMessage>; blocked: boolean }
  | { readonly kind: 'backoff'; readonly timer: NodeJS.Timeout }
  | { readonly kind: 'closed' };

/**
 * The sending side towards one peer: one long-lived client stream, so messages arrive in order.
 * `send` never blocks: it queues (bounded) and returns. When the stream fails the link drops
 * messages for a backoff period instead of queueing stale ones, then opens a new stream on the
 * next send. Raft retransmits whatever matters.
 */
export class PeerLink {
  private readonly counters = { sent: 0, dropped: 0, failures: 0 };
  private readonly client: raftV1.RaftTransportClient;
  private readonly queue: Message[] = [];
  private state: State = { kind: 'idle' };
  private backoffMs: number;

  constructor(
    readonly peer: NodeId,
    readonly address: string,
    private readonly options: PeerLinkOptions,
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
    else if (!s.blocked) this.flush();
  }

  close(): void {
    const s = this.state;
    this.state = { kind: 'closed' };
    if (s.kind === 'backoff') clearTimeout(s.timer);
    if (s.kind === 'open') s.call.cancel();
    this.counters.dropped += this.queue.length;
    this.queue.length = 0;
    this.client.close();
  }

  private open(): void {
    const call = this.client.send((err) => this.onEnd(call, err));
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
    this.flush();
  }

  private flush(): void {
    const s = this.state;
    if (s.kind !== 'open') return;
    while (!s.blocked) {
      const m = this.queue.shift();
      if (m === undefined) return;
      this.counters.sent++;
      // false: gRPC's buffer is full; wait for 'drain' so our bounded queue takes the pressure.
      if (!s.call.write(toWire(m))) s.blocked = true;
    }
  }

  private onEnd(call: ClientWritableStream<raftV1.RaftMessage>, err: Error | null): void {
    const s = this.state;
    if (s.kind !== 'open' || s.call !== call) return;
    if (!err) {
      // The peer ended the stream cleanly (e.g. shutting down); reopen on demand.
      this.state = { kind: 'idle' };
      if (this.queue.length > 0) this.open();
      return;
    }
    this.counters.failures++;
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
