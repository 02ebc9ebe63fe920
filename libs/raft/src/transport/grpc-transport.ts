import {
  type Server,
  ServerCredentials,
  Metadata,
  type ServerReadableStream,
  type sendUnaryData,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { raftV1 } from '@flotilla/proto';
import type { Message } from '../core/messages.js';
import type { NodeId } from '../core/types.js';
import type { ConnectionLostListener, MessageHandler, Transport } from '../interfaces/transport.js';
import { createGrpcServer } from './grpc-server.js';
import { fromWire } from './message-codec.js';
import { PeerLink, type PeerCounters, type PeerLinkOptions, type PeerLinkStats } from './peer-link.js';

/** Another gRPC service to serve on the transport's port (e.g. a client API). */
export interface ExtraService {
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
}

export interface GrpcTransportOptions {
  readonly id: NodeId;
  /**
   * The cluster this server belongs to (non-empty). Stamped on every message sent; messages
   * carrying another cluster id are dropped and counted (`rejectedCluster`).
   */
  readonly clusterId: string;
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one (see `port`). */
  readonly port: number;
  /** Peer id -> "host:port"; more can be added later (`addPeer`). */
  readonly peers: Readonly<Record<NodeId, string>>;
  /** Per-peer queue bound (default 4096 messages). */
  readonly queueLimit?: number;
  /** Largest message accepted or sent (default 64 MiB); keep it above the snapshot chunk size. */
  readonly maxMessageBytes?: number;
  readonly services?: readonly ExtraService[];
}

export interface PeerStats extends PeerLinkStats {
  /** Messages from this peer handed to the handler. */
  received: number;
}

export interface TransportStats {
  /** Handed to the handler. */
  received: number;
  /** Received but undecodable, or addressed to another server. */
  rejected: number;
  /** Received from a server of another cluster. */
  rejectedCluster: number;
  /** Arrived before `listen`, or after `close`. */
  unhandled: number;
  /** Totals over every peer since start, removed ones included. */
  sent: number;
  dropped: number;
  /** Current peers. A peer's counters survive its moving to another address. */
  readonly peers: Readonly<Record<NodeId, PeerStats>>;
}

const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Batches stay far below the message limit: their size is only estimated (see PeerLink). */
const MAX_BATCH_BYTES = 1024 * 1024;

/**
 * Transport over gRPC: a server receiving every peer's `SendBatches` stream, and one PeerLink
 * (client stream) per peer for sending. Messages to ids that are not peers are dropped.
 */
export class GrpcTransport implements Transport {
  private handler: MessageHandler | null = null;
  private connectionLost: ConnectionLostListener | null = null;
  private closed = false;
  private readonly counters = { received: 0, rejected: 0, rejectedCluster: 0, unhandled: 0 };
  private readonly links = new Map<NodeId, PeerLink>();
  /** Per peer ever known, kept after removal so that totals never go backwards. */
  private readonly sentTo = new Map<NodeId, PeerCounters>();
  private readonly receivedFrom = new Map<NodeId, number>();

  private constructor(
    readonly id: NodeId,
    readonly clusterId: string,
    /** The bound port (the real one when 0 was asked for). */
    readonly port: number,
    private readonly server: Server,
    private readonly linkOptions: PeerLinkOptions,
  ) {}

  static async start(options: GrpcTransportOptions): Promise<GrpcTransport> {
    if (options.clusterId.length === 0) throw new Error('GrpcTransport: clusterId must not be empty');
    const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const linkOptions: PeerLinkOptions = {
      clusterId: options.clusterId,
      queueLimit: options.queueLimit ?? 4096,
      maxBatchBytes: Math.min(MAX_BATCH_BYTES, Math.floor(maxBytes / 4)),
      minBackoffMs: 50,
      maxBackoffMs: 1000,
      channelOptions: {
        'grpc.max_receive_message_length': maxBytes,
        'grpc.max_send_message_length': maxBytes,
        // Notice a peer that vanished without closing its connection.
        'grpc.keepalive_time_ms': 10_000,
        'grpc.keepalive_timeout_ms': 5_000,
        // gRPC's default reconnect backoff grows to 2 minutes; a restarted peer must be found quickly.
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 1000,
      },
    };
    const server = createGrpcServer({
      'grpc.max_receive_message_length': maxBytes,
      'grpc.max_send_message_length': maxBytes,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 5_000,
    });
    const host = options.host ?? '127.0.0.1';
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host}:${options.port}`, ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      ),
    );
    const transport = new GrpcTransport(options.id, options.clusterId, port, server, linkOptions);
    for (const [peer, address] of Object.entries(options.peers)) transport.addPeer(peer, address);
    const impl: raftV1.RaftTransportServer = {
      sendBatches: (call, callback) => transport.receive(call, callback),
    };
    server.addService(raftV1.RaftTransportService, impl);
    for (const s of options.services ?? []) server.addService(s.definition, s.implementation);
    return transport;
  }

  send(message: Message): void {
    if (this.closed) return;
    this.links.get(message.to)?.send(message);
  }

  listen(handler: MessageHandler): void {
    this.handler = handler;
  }

  /** Told when a peer's stream breaks, ours to it or its to us (a killed process closes both at once). */
  onConnectionLost(listener: ConnectionLostListener): void {
    this.connectionLost = listener;
  }

  /** Starts sending to `id` at `address`; an existing peer moves there (its queue is dropped). */
  addPeer(id: NodeId, address: string): void {
    if (this.closed || id === this.id) return;
    const existing = this.links.get(id);
    if (existing?.address === address) return;
    existing?.close();
    let counters = this.sentTo.get(id);
    if (!counters) {
      counters = { sent: 0, dropped: 0, failures: 0 };
      this.sentTo.set(id, counters);
    }
    this.links.set(id, new PeerLink(id, address, this.linkOptions, counters, () => this.lost(id)));
  }

  /** Stops sending to `id`: closes its stream and drops its queue. Its messages are still received. */
  removePeer(id: NodeId): void {
    this.links.get(id)?.close();
    this.links.delete(id);
  }

  stats(): TransportStats {
    let sent = 0;
    let dropped = 0;
    for (const c of this.sentTo.values()) {
      sent += c.sent;
      dropped += c.dropped;
    }
    const peers: Record<NodeId, PeerStats> = {};
    for (const [id, link] of this.links)
      peers[id] = { ...link.stats(), received: this.receivedFrom.get(id) ?? 0 };
    return { ...this.counters, sent, dropped, peers };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const link of this.links.values()) link.close();
    // Peers keep their streams open indefinitely, so a graceful shutdown would wait forever.
    this.server.forceShutdown();
  }

  private receive(
    call: ServerReadableStream<raftV1.RaftBatch, raftV1.SendAck>,
    callback: sendUnaryData<raftV1.SendAck>,
  ): void {
    let received = 0;
    let from: NodeId | undefined; // the sender, once a message names it
    call.sendMetadata(new Metadata());
    call.on('data', (batch: raftV1.RaftBatch) => {
      for (const wire of batch.messages) {
        if (!this.accept(wire)) continue;
        received++;
        from = wire.from;
      }
    });
    call.on('end', () => callback(null, { received }));
    // Not ended but broken off: the sender's connection dropped.
    const broken = () => {
      if (from !== undefined) this.lost(from);
    };
    call.on('cancelled', broken);
    call.on('error', broken);
  }

  private lost(peer: NodeId): void {
    if (!this.closed) this.connectionLost?.(peer);
  }

  /** Checks one incoming message and hands it to the handler; false if it was not handed over. */
  private accept(wire: raftV1.RaftMessage): boolean {
    if (wire.clusterId !== this.clusterId) {
      this.counters.rejectedCluster++;
      return false;
    }
    if (wire.to !== this.id) {
      this.counters.rejected++;
      return false;
    }
    if (this.closed || !this.handler) {
      this.counters.unhandled++;
      return false;
    }
    let m: Message;
    try {
      m = fromWire(wire);
    } catch {
      this.counters.rejected++;
      return false;
    }
    this.counters.received++;
    this.receivedFrom.set(m.from, (this.receivedFrom.get(m.from) ?? 0) + 1);
    this.handler(m);
    return true;
  }
}
