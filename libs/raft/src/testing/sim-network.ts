import { isRequest, messageSize, type Message } from '../core/messages.js';
import type { Rng } from '../core/rng.js';

export interface NetworkSettings {
  reliable: boolean;
  longReordering: boolean;
}

export interface Delivery {
  readonly delay: number;
}

/**
 * Fault model of the simulated network: connectivity (disconnect, partitions), loss, delay and
 * reordering, plus RPC and byte accounting. Timing and delivery are done by the cluster.
 */
export class SimNetwork {
  readonly settings: NetworkSettings = { reliable: true, longReordering: false };
  private readonly disconnected = new Set<number>();
  private groups: Map<number, number> | null = null;
  private readonly rpcs: number[];
  bytes = 0;
  private readonly byType = new Map<string, number>();

  constructor(
    readonly n: number,
    private readonly rng: Rng,
  ) {
    this.rpcs = new Array<number>(n).fill(0);
  }

  disconnect(i: number): void {
    this.disconnected.add(i);
  }

  connect(i: number): void {
    this.disconnected.delete(i);
  }

  isConnected(i: number): boolean {
    return !this.disconnected.has(i);
  }

  partition(groups: readonly (readonly number[])[]): void {
    const map = new Map<number, number>();
    groups.forEach((g, gi) => g.forEach((i) => map.set(i, gi)));
    this.groups = map;
  }

  heal(): void {
    this.groups = null;
    this.disconnected.clear();
  }

  reachable(a: number, b: number): boolean {
    if (this.disconnected.has(a) || this.disconnected.has(b)) return false;
    if (!this.groups) return true;
    const ga = this.groups.get(a);
    return ga !== undefined && ga === this.groups.get(b);
  }

  /** Decides the fate of a message at send time: undefined = dropped. Counts bytes of accepted messages. */
  route(from: number, to: number, m: Message): Delivery | undefined {
    if (!this.reachable(from, to)) return undefined;
    const request = isRequest(m);
    const { reliable, longReordering } = this.settings;
    if (!reliable && this.rng.next() < 0.1) return undefined;
    this.bytes += messageSize(m);
    let delay = reliable ? 1 : this.rng.int(28);
    if (!request && longReordering && this.rng.int(900) < 600) delay = 200 + this.rng.int(2001);
    return { delay };
  }

  /** Called when a message reaches its destination. */
  delivered(to: number, m: Message): void {
    if (isRequest(m)) this.rpcs[to]++;
    this.byType.set(m.type, (this.byType.get(m.type) ?? 0) + 1);
  }

  /** Delivered messages of `type`. */
  messageCount(type: Message['type']): number {
    return this.byType.get(type) ?? 0;
  }

  rpcCount(i?: number): number {
    return i === undefined ? this.rpcs.reduce((a, b) => a + b, 0) : this.rpcs[i];
  }
}
