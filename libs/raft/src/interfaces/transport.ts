import type { Message } from '../core/messages.js';
import type { NodeId } from '../core/types.js';

export type MessageHandler = (message: Message) => void;
/** Told the id of a peer whose connection broke. */
export type ConnectionLostListener = (peer: NodeId) => void;

/**
 * Carries Raft messages between servers. Best effort: messages may be lost, duplicated, delayed
 * or reordered; Raft tolerates all of these. `send` must not block the caller: an implementation
 * queues and reports failures by dropping (optionally counting) the message.
 */
export interface Transport {
  readonly id: NodeId;
  /** Queue `message` for `message.to`. */
  send(message: Message): void;
  /** Registers the single handler for incoming messages addressed to `id`. */
  listen(handler: MessageHandler): void;
  /**
   * Optional: registers the single listener told when the connection to or from a peer breaks
   * (e.g. its process died and its sockets closed). A hint for fast failover, never needed for safety.
   */
  onConnectionLost?(listener: ConnectionLostListener): void;
  /** Starts sending to `id` at `address` (or moves it there). Optional: fixed-peer transports omit it. */
  addPeer?(id: NodeId, address: string): void;
  /** Stops sending to `id` and drops its queue. */
  removePeer?(id: NodeId): void;
  /** Stops delivery in both directions and releases resources. */
  close(): Promise<void>;
}
