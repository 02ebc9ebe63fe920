import type { ConfigChange, ConfigEntry } from './config-change.js';
import type { MembershipConfig, NodeId } from './types.js';

/** Voters and learners. Immutable: changes return a new value. */
export class Membership {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];

  constructor(config: MembershipConfig) {
    this.voters = [...new Set(config.voters)].sort();
    this.learners = [...new Set(config.learners)].filter((id) => !this.voters.includes(id)).sort();
  }

  isVoter(id: NodeId): boolean {
    return this.voters.includes(id);
  }

  isLearner(id: NodeId): boolean {
    return this.learners.includes(id);
  }

  isMember(id: NodeId): boolean {
    return this.isVoter(id) || this.isLearner(id);
  }

  all(): NodeId[] {
    return [...this.voters, ...this.learners];
  }

  /** Why `change` is not allowed, or null. */
  validate(change: ConfigChange): string | null {
    if (change.type === 'remove') {
      if (!this.isMember(change.id)) return `${change.id} is not a member`;
      if (this.isVoter(change.id) && this.voters.length === 1) return 'cannot remove the last voter';
    }
    if (change.type === 'add-learner' && this.isVoter(change.id)) return `${change.id} is already a voter`;
    return null;
  }

  applyEntry(entry: ConfigEntry): Membership {
    return entry.type === 'bootstrap' ? new Membership(entry.config) : this.apply(entry);
  }

  apply(change: ConfigChange): Membership {
    const voters = this.voters.filter((id) => id !== change.id);
    const learners = this.learners.filter((id) => id !== change.id);
    if (change.type === 'add-voter') voters.push(change.id);
    if (change.type === 'add-learner') learners.push(change.id);
    return new Membership({ voters, learners });
  }

  toConfig(): MembershipConfig {
    return { voters: [...this.voters], learners: [...this.learners] };
  }
}
