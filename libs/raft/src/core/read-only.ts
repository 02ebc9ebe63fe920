import type { NodeId, ReadState } from './types.js';

interface PendingRead {
  readonly index: number;
  readonly acks: Set<NodeId>;
}

/**
 * ReadIndex requests waiting for a heartbeat quorum. Requests are confirmed in order: once a
 * quorum acknowledged a round, every earlier round is confirmed too.
 */
export class ReadOnlyQueue {
  private readonly pending = new Map<string, PendingRead>();
  private readonly queue: string[] = [];

  add(index: number, context: string, self: NodeId): void {
    if (this.pending.has(context)) return;
    this.pending.set(context, { index, acks: new Set([self]) });
    this.queue.push(context);
  }

  /** Records an ack; returns the ackers so far, or undefined for unknown contexts. */
  ack(from: NodeId, context: string): ReadonlySet<NodeId> | undefined {
    const p = this.pending.get(context);
    if (!p) return undefined;
    p.acks.add(from);
    return p.acks;
  }

  /** Confirms `context` and all earlier requests. */
  release(context: string): ReadState[] {
    const pos = this.queue.indexOf(context);
    if (pos < 0) return [];
    const done = this.queue.splice(0, pos + 1);
    const out: ReadState[] = [];
    for (const c of done) {
      const p = this.pending.get(c);
      this.pending.delete(c);
      if (p) out.push({ index: p.index, context: c });
    }
    return out;
  }

  lastContext(): string | null {
    return this.queue.length > 0 ? this.queue[this.queue.length - 1] : null;
  }

  /** Drops everything (leadership lost); returns the dropped contexts. */
  reset(): string[] {
    const dropped = [...this.queue];
    this.queue.length = 0;
    this.pending.clear();
    return dropped;
  }
}
