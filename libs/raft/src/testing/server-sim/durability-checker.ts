import type { Message } from '../../core/messages.js';
import type { RaftNode } from '../../core/raft-node.js';
import type { SimDisk } from './sim-disk.js';

/**
 * Checks against the servers' disks (completed writes only) that nothing was promised before it
 * was durable. A lost vote or acknowledgement otherwise needs a second, well-timed failure to show
 * up as two leaders or a lost entry; checked here, it shows up at once.
 */
export class DurabilityChecker {
  constructor(
    private readonly disks: readonly SimDisk[],
    private readonly indexOf: (id: string) => number,
    /** The live leader node of slot `i` in `term`, else null. */
    private readonly leaderOf: (i: number, term: number) => RaftNode | null,
  ) {}

  /** A granted vote or an append acknowledgement describes durable state. Returns a violation or null. */
  checkAck(from: number, m: Message): string | null {
    const disk = this.disks[from];
    if (m.type === 'vote-resp' && m.granted) {
      const hs = disk.hardState;
      if (hs.term < m.term || (hs.term === m.term && hs.vote !== m.to))
        return `durability: s${from} granted its vote to ${m.to} in term ${m.term}, but its disk holds term ${hs.term} vote ${hs.vote}`;
      return null;
    }
    if (m.type !== 'append-resp' || m.reject) return null;
    // Compare with the leader's entry: a leader never rewrites its own log within its term.
    const leader = this.leaderOf(this.indexOf(m.to), m.term);
    const want = leader?.log.term(m.index);
    if (want === undefined || m.index <= disk.snapshotIndex) return null;
    const have = disk.term(m.index);
    if (have === want) return null;
    return have === undefined
      ? `durability: s${from} acknowledged index ${m.index} to ${m.to} before it was on disk`
      : `durability: s${from} acknowledged index ${m.index} (term ${want}) to ${m.to}, but its disk holds term ${have} there`;
  }

  /**
   * A leader only commits an index that a majority of voters hold on disk (its own write
   * included): a majority of the current configuration or of `votersBefore` (single-server changes
   * keep the two majorities overlapping, and the change may have been applied after the commit).
   */
  checkCommit(leader: number, node: RaftNode, votersBefore: readonly string[]): string | null {
    const index = node.log.committed;
    const term = node.log.term(index);
    if (term === undefined) return null;
    const holds = (id: string): boolean => {
      const disk = this.disks[this.indexOf(id)];
      return disk !== undefined && (disk.term(index) === term || index <= disk.snapshotIndex);
    };
    const voters = node.membership.voters;
    const now = voters.filter(holds).length;
    if (now > voters.length / 2 || votersBefore.filter(holds).length > votersBefore.length / 2) return null;
    return `durability: leader s${leader} committed index ${index} (term ${term}) held on disk by only ${now} of ${voters.length} voters`;
  }
}
