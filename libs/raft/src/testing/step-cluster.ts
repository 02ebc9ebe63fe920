import type { Message } from '../core/messages.js';
import type { RaftOptions } from '../core/options.js';
import { RaftNode } from '../core/raft-node.js';
import { createRng } from '../core/rng.js';
import type { Entry, HardState, NodeId } from '../core/types.js';
import { EMPTY_HARD_STATE } from '../core/types.js';

/** What a server persisted (a crash keeps exactly this). */
interface Disk {
  hardState: HardState;
  entries: Entry[];
}

export type MessageFilter = (m: Message) => boolean;

/**
 * Message-by-message driver for RaftNode: no clock, no scheduler. Outgoing messages wait in a
 * queue until the test delivers or drops them, so a test can build exact interleavings such as
 * Raft's Figure 8. Defaults turn PreVote and CheckQuorum off (no ticks means no lease expiry);
 * elections are started explicitly with `campaign`.
 */
export class StepCluster {
  readonly nodes = new Map<NodeId, RaftNode>();
  private readonly disks = new Map<NodeId, Disk>();
  private readonly crashed = new Set<NodeId>();
  /** Messages sent and not yet delivered or dropped, in send order. */
  queue: Message[] = [];

  constructor(
    readonly ids: readonly NodeId[],
    private readonly options: Partial<Omit<RaftOptions, 'id'>> = {},
  ) {
    for (const id of ids) {
      this.disks.set(id, { hardState: EMPTY_HARD_STATE, entries: [] });
      this.boot(id);
    }
  }

  node(id: NodeId): RaftNode {
    const n = this.nodes.get(id);
    if (!n || this.crashed.has(id)) throw new Error(`step-cluster: ${id} is down`);
    return n;
  }

  /** Loses in-memory state and queued messages to and from `id`. */
  crash(id: NodeId): void {
    this.crashed.add(id);
    this.queue = this.queue.filter((m) => m.from !== id && m.to !== id);
  }

  /** Rebuilds `id` from what it persisted. */
  restart(id: NodeId): void {
    this.crashed.delete(id);
    this.boot(id);
  }

  isUp(id: NodeId): boolean {
    return !this.crashed.has(id);
  }

  persisted(id: NodeId): Readonly<Disk> {
    return this.disks.get(id) as Disk;
  }

  /** Processes every pending Ready of `id`: persist, queue messages, advance. */
  flush(id: NodeId): void {
    const node = this.node(id);
    const disk = this.disks.get(id) as Disk;
    while (node.hasReady()) {
      const rd = node.ready();
      if (rd.snapshot) throw new Error('step-cluster: snapshots are not modelled');
      if (rd.entries.length > 0) {
        const first = rd.entries[0].index;
        disk.entries = [...disk.entries.filter((e) => e.index < first), ...rd.entries];
      }
      if (rd.hardState) disk.hardState = rd.hardState;
      this.queue.push(...rd.messages);
      node.advance(rd);
    }
  }

  campaign(id: NodeId): void {
    this.node(id).campaign();
    this.flush(id);
  }

  propose(id: NodeId, command: string): number {
    const res = this.node(id).propose(new TextEncoder().encode(command));
    if (!res.ok) throw new Error(`step-cluster: ${id} rejected a proposal: ${res.reason}`);
    this.flush(id);
    return res.index;
  }

  /**
   * Delivers queued messages matching `filter` (dropping those to crashed servers), including the
   * ones their handling produces, until none match. Non-matching messages stay queued. `rewrite`
   * may alter a message in flight (e.g. cut an append short, as if part of it were lost).
   */
  deliver(
    filter: MessageFilter = () => true,
    rewrite: (m: Message) => Message = (m) => m,
    maxRounds = 1000,
  ): number {
    let delivered = 0;
    for (let round = 0; round < maxRounds; round++) {
      const k = this.queue.findIndex(filter);
      if (k < 0) return delivered;
      const [m] = this.queue.splice(k, 1);
      if (!this.isUp(m.to) || !this.isUp(m.from)) continue;
      this.node(m.to).step(rewrite(m));
      this.flush(m.to);
      delivered++;
    }
    throw new Error('step-cluster: delivery did not quiesce');
  }

  /** Drops queued messages matching `filter`; returns how many. */
  drop(filter: MessageFilter = () => true): number {
    const before = this.queue.length;
    this.queue = this.queue.filter((m) => !filter(m));
    return before - this.queue.length;
  }

  /** Campaigns at `id` until it leads, exchanging messages only with `peers`; drops everything else. */
  elect(id: NodeId, peers: readonly NodeId[]): void {
    const group = new Set([id, ...peers]);
    const inGroup: MessageFilter = (m) => group.has(m.from) && group.has(m.to);
    for (let attempt = 0; attempt < 5; attempt++) {
      this.drop((m) => !inGroup(m));
      this.campaign(id);
      this.deliver((m) => inGroup(m) && (m.type === 'vote' || m.type === 'vote-resp'));
      if (this.node(id).role === 'leader') {
        this.drop((m) => m.type === 'vote' || m.type === 'vote-resp');
        return;
      }
    }
    throw new Error(`step-cluster: ${id} could not win an election with ${peers.join(',')}`);
  }

  /** Log of `id` as "index:term" strings, for compact assertions. */
  logOf(id: NodeId): string[] {
    const log = this.node(id).log;
    const out: string[] = [];
    for (let i = log.firstIndex(); i <= log.lastIndex(); i++) out.push(`${i}:${log.term(i)}`);
    return out;
  }

  private boot(id: NodeId): void {
    const disk = this.disks.get(id) as Disk;
    const node = new RaftNode({
      options: { preVote: false, checkQuorum: false, ...this.options, id },
      rng: createRng(id.length * 7919 + id.charCodeAt(id.length - 1)),
      bootstrap: { voters: [...this.ids], learners: [] },
      restored: { hardState: disk.hardState, snapshot: null, entries: [...disk.entries] },
    });
    this.nodes.set(id, node);
    this.flush(id);
  }
}

/** Matches messages between `from` and `to` (either may be '*'), optionally of given types. */
export function link(from: NodeId | '*', to: NodeId | '*', ...types: Message['type'][]): MessageFilter {
  return (m) =>
    (from === '*' || m.from === from) &&
    (to === '*' || m.to === to) &&
    (types.length === 0 || types.includes(m.type));
}
