import type { Message } from '../core/messages.js';
import type { NodeId } from '../core/types.js';
import type { MessageHandler, Transport } from '../interfaces/transport.js';

/**
 * In-process network for tests and single-process clusters. Delivery is asynchronous
 * (a microtask later) so that handlers never re-enter the sender. Links can be cut.
 */
export class MemoryNetwork {
  private readonly handlers = new Map<NodeId, MessageHandler>();
  private readonly isolated = new Set<NodeId>();
  private readonly cut = new Set<string>();
  delivered = 0;
  dropped = 0;

  transport(id: NodeId): Transport {
    let closed = false;
    return {
      id,
      send: (message: Message): void => {
        if (!closed) this.deliver(message);
      },
      listen: (handler: MessageHandler): void => {
        this.handlers.set(id, handler);
      },
      close: async (): Promise<void> => {
        closed = true;
        this.handlers.delete(id);
      },
    };
  }

  /** Cut `id` off from everyone. */
  disconnect(id: NodeId): void {
    this.isolated.add(id);
  }

  connect(id: NodeId): void {
    this.isolated.delete(id);
  }

  /** Cut the one-way link from -> to. */
  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}\u0000${to}`);
  }

  healAll(): void {
    this.isolated.clear();
    this.cut.clear();
  }

  private reachable(from: NodeId, to: NodeId): boolean {
    return !this.isolated.has(from) && !this.isolated.has(to) && !this.cut.has(`${from}\u0000${to}`);
  }

  private deliver(m: Message): void {
    queueMicrotask(() => {
      const h = this.handlers.get(m.to);
      if (!h || !this.reachable(m.from, m.to)) {
        this.dropped++;
        return;
      }
      this.delivered++;
      h(m);
    });
  }
}
