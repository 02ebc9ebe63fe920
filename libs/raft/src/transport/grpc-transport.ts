import {
  Server,
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
import type { MessageHandler, Transport } from '../interfaces/transport.js';
import { fromWire } from './message-codec.js';
import { PeerLink, type PeerLinkStats } from './peer-link.js';

/** Another gRPC service to serve on the transport's port (e.g. a client API). */
export interface ExtraService {
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
}

export interface GrpcTransportOptions {
  readonly id: NodeId;
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one (see `port`). */
  readonly port: number;
  /** Peer id -> "host:port". */
  readonly peers: Readonly<Record<NodeId, string>>;
  /** Per-peer queue bound (default 4096 messages). */
  readonly queueLimit?: number;
  /** Largest message accepted or sent (default 64 MiB); keep it above the snapshot chunk size. */
  readonly maxMessageBytes?: number;
  readonly services?: readonly ExtraService[];
}

export interface TransportStats {
  received: number;
  /** Received but undecodable, or addressed to another server. */
  rejected: number;
  /** Arrived before `listen`, or after `close`. */
  unhandled: number;
  readonly peers: Readonly<Record<NodeId, PeerLinkStats>>;
}

/**
 * Transport over gRPC: a server receiving every peer's `Send` stream, and one PeerLink (client
 * stream) per peer for sending. Peers listed at start; messages to unknown ids are dropped.
 */
export class GrpcTransport implements Transport {
  private handler: MessageHandler | null = null;
  private closed = false;
  private readonly counters = { received: 0, rejected: 0, unhandled: 0 };

  private constructor(
    readonly id: NodeId,
    /** The bound port (the real one when 0 was asked for). */
    readonly port: number,
    private readonly server: Server,
    private readonly links: ReadonlyMap<NodeId, PeerLink>,
  ) {}

  static async start(options: GrpcTransportOptions): Promise<GrpcTransport> {
    const maxBytes = options.maxMessageBytes ?? 64 * 1024 * 1024;
    const channelOptions = {
      'grpc.max_receive_message_length': maxBytes,
      'grpc.max_send_message_length': maxBytes,
      // Notice a peer that vanished without closing its connection.
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      // gRPC's default reconnect backoff grows to 2 minutes; a restarted peer must be found quickly.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
    };
    const server = new Server({
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
    const links = new Map<NodeId, PeerLink>();
    for (const [peer, address] of Object.entries(options.peers)) {
      if (peer === options.id) continue;
      links.set(
        peer,
        new PeerLink(peer, address, {
          queueLimit: options.queueLimit ?? 4096,
          minBackoffMs: 50,
          maxBackoffMs: 1000,
          channelOptions,
        }),
      );
    }
    const transport = new GrpcTransport(options.id, port, server, links);
    const impl: raftV1.RaftTransportServer = { send: (call, callback) => transport.receive(call, callback) };
    server.addService(raftV1.RaftTransportService, impl);
    for (const s of options.services ?? []) server.addService(s.definition, s.implementation);
    return transport;
  }

  send(message: Message): void {
    if (this.closed) return;
    const link = this.links.get(message.to);
    if (link) link.send(message);
  }

  listen(handler: MessageHandler): void {
    this.handler = handler;
  }

  stats(): TransportStats {
    const peers: Record<NodeId, PeerLinkStats> = {};
    for (const [id, link] of this.links) peers[id] = link.stats();
    return { ...this.counters, peers };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const link of this.links.values()) link.close();
    // Peers keep their streams open indefinitely, so a graceful shutdown would wait forever.
    this.server.forceShutdown();
  }

  private receive(
    call: ServerReadableStream<raftV1.RaftMessage, raftV1.SendAck>,
    callback: sendUnaryData<raftV1.SendAck>,
  ): void {
    let received = 0;
    call.sendMetadata(new Metadata());
    call.on('data', (wire: raftV1.RaftMessage) => {
      let m: Message;
      try {
        m = fromWire(wire);
      } catch {
        this.counters.rejected++;
        return;
      }
      if (m.to !== this.id) {
        this.counters.rejected++;
        return;
      }
      if (this.closed || !this.handler) {
        this.counters.unhandled++;
        return;
      }
      received++;
      this.counters.received++;
      this.handler(m);
    });
    call.on('end', () => callback(null, { received }));
    call.on('error', () => undefined);
  }
}
