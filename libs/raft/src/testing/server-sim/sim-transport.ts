import type { Message } from '../../core/messages.js';
import type { NodeId } from '../../core/types.js';
import type { ConnectionLostListener, MessageHandler, Transport } from '../../interfaces/transport.js';
import type { Scheduler } from '../scheduler.js';
import type { SimNetwork } from '../sim-network.js';

export interface TransportObserver {
  onSend(from: number, to: number, m: Message, delivered: boolean): void;
  onDeliver(to: number, m: Message): void;
  /** A crashed or closed incarnation tried to send or listen. */
  onMisuse(message: string): void;
}

interface Listener {
  readonly handler: MessageHandler;
  readonly owner: SimTransport;
  connectionLost?: ConnectionLostListener;
}

/**
 * Routes messages between server slots over the existing SimNetwork fault model (loss, delay,
 * reordering, partitions). Messages in flight survive their sender's crash, as on a real network;
 * they reach whichever incarnation of the destination is listening when they arrive.
 */
export class SimTransportHub {
  private readonly listeners: (Listener | null)[];

  constructor(
    private readonly sched: Scheduler,
    private readonly net: SimNetwork,
    private readonly indexOf: (id: NodeId) => number,
    private readonly observer: TransportObserver,
  ) {
    this.listeners = new Array<Listener | null>(net.n).fill(null);
  }

  /** A fresh transport for a new incarnation of server `index`. */
  open(index: number, id: NodeId): SimTransport {
    return new SimTransport(this, index, id);
  }

  listen(t: SimTransport, handler: MessageHandler): void {
    this.listeners[t.index] = { handler, owner: t };
  }

  onConnectionLost(t: SimTransport, listener: ConnectionLostListener): void {
    const l = this.listeners[t.index];
    if (l?.owner === t) l.connectionLost = listener;
  }

  unlisten(t: SimTransport): void {
    if (this.listeners[t.index]?.owner !== t) return;
    this.listeners[t.index] = null;
    this.reportLost(t);
  }

  /** Its connections close: the servers that can reach it hear so a moment later. */
  private reportLost(t: SimTransport): void {
    for (let j = 0; j < this.listeners.length; j++) {
      const l = this.listeners[j];
      if (j === t.index || !l?.connectionLost || !this.net.reachable(t.index, j)) continue;
      this.sched.after(1, () => {
        if (this.listeners[j] === l) l.connectionLost?.(t.id);
      });
    }
  }

  misuse(message: string): void {
    this.observer.onMisuse(message);
  }

  send(from: number, m: Message): void {
    const to = this.indexOf(m.to);
    if (!(to >= 0 && to < this.net.n) || to === from) return;
    const route = this.net.route(from, to, m);
    this.observer.onSend(from, to, m, route !== undefined);
    if (!route) return;
    this.sched.after(route.delay, () => {
      const l = this.listeners[to];
      if (!l || !this.net.reachable(from, to)) return;
      this.net.delivered(to, m);
      this.observer.onDeliver(to, m);
      l.handler(m);
    });
  }
}

/** The Transport handed to one RaftServer incarnation. */
export class SimTransport implements Transport {
  private fenced = false;
  private closed = false;

  constructor(
    private readonly hub: SimTransportHub,
    readonly index: number,
    readonly id: NodeId,
  ) {}

  send(message: Message): void {
    if (this.fenced) {
      this.hub.misuse(`${this.id}: send(${message.type}) by a crashed incarnation`);
      return;
    }
    if (this.closed) return; // like a closed socket: dropped
    this.hub.send(this.index, message);
  }

  listen(handler: MessageHandler): void {
    if (this.fenced || this.closed) {
      this.hub.misuse(
        `${this.id}: listen() on a ${this.fenced ? 'crashed incarnation' : 'closed transport'}`,
      );
      return;
    }
    this.hub.listen(this, handler);
  }

  onConnectionLost(listener: ConnectionLostListener): void {
    if (!this.fenced && !this.closed) this.hub.onConnectionLost(this, listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.unlisten(this);
  }

  /** The incarnation crashed: stop delivering to it, and flag any later use. */
  fence(): void {
    this.fenced = true;
    this.hub.unlisten(this);
  }
}
