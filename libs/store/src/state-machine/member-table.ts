import type { MemberAttributes } from './store-command.js';

export interface Member {
  readonly id: number;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

/** A Raft node id for a member id: 16 hex digits, as etcd prints member IDs. */
export function nodeIdOf(memberId: number): string {
  return memberId.toString(16).padStart(16, '0');
}

export function memberIdOf(nodeId: string): number {
  const id = Number.parseInt(nodeId, 16);
  if (!Number.isSafeInteger(id)) throw new Error(`store: "${nodeId}" is not a member id`);
  return id;
}

/** What a membership change carries through Raft (its `context`). */
export interface MemberChangeContext {
  readonly peerUrls: readonly string[];
  readonly name?: string;
}

/** The cluster's members as replicated state: Raft membership plus each member's published attributes. */
export class MemberTable {
  private readonly members = new Map<number, Member>();

  list(): Member[] {
    return [...this.members.values()].sort((a, b) => a.id - b.id);
  }

  get(id: number): Member | undefined {
    return this.members.get(id);
  }

  byPeerUrls(urls: readonly string[]): Member | undefined {
    const want = [...urls].sort().join(',');
    return this.list().find((m) => [...m.peerUrls].sort().join(',') === want);
  }

  /** Aligns the table with Raft's voters and learners (new ids appear with empty attributes). */
  syncMembership(voters: readonly string[], learners: readonly string[]): void {
    const keep = new Set<number>();
    for (const [nodeIds, isLearner] of [
      [voters, false],
      [learners, true],
    ] as const) {
      for (const nodeId of nodeIds) {
        const id = memberIdOf(nodeId);
        keep.add(id);
        const m = this.members.get(id);
        if (m) m.isLearner = isLearner;
        else this.members.set(id, { id, name: '', peerUrls: [], clientUrls: [], isLearner });
      }
    }
    for (const id of [...this.members.keys()]) if (!keep.has(id)) this.members.delete(id);
  }

  setContext(id: number, ctx: MemberChangeContext): void {
    const m = this.members.get(id);
    if (!m) return;
    m.peerUrls = [...ctx.peerUrls];
    if (ctx.name) m.name = ctx.name;
  }

  publish(a: MemberAttributes): void {
    const m = this.members.get(a.id);
    if (!m) return; // removed meanwhile
    m.name = a.name;
    m.peerUrls = [...a.peerUrls];
    m.clientUrls = [...a.clientUrls];
  }

  updatePeerUrls(id: number, peerUrls: readonly string[]): boolean {
    const m = this.members.get(id);
    if (!m) return false;
    m.peerUrls = [...peerUrls];
    return true;
  }

  toJSON(): Member[] {
    return this.list();
  }

  restore(members: readonly Member[]): void {
    this.members.clear();
    for (const m of members)
      this.members.set(m.id, { ...m, peerUrls: [...m.peerUrls], clientUrls: [...m.clientUrls] });
  }
}
