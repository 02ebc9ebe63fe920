import type { AppliedConfigChange, MembershipConfig } from '@flotilla/raft';
import { nodeIdOf } from '../../state-machine/member-table.js';
import { StoreStateMachine } from '../../state-machine/store-state-machine.js';

/** The member id the store simulation gives server slot i (etcd member ids are nonzero). */
export function simMemberId(slot: number): number {
  return slot + 1;
}

/** The simulator names its servers s0, s1, …; the store's member table keys on hex member ids. */
export function memberNodeId(simId: string): string {
  const m = /^s(\d+)$/.exec(simId);
  if (!m) throw new Error(`store sim: "${simId}" is not a simulator server id (s<n>)`);
  return nodeIdOf(simMemberId(Number(m[1])));
}

function memberMembership(m: MembershipConfig): MembershipConfig {
  return { voters: m.voters.map(memberNodeId), learners: m.learners.map(memberNodeId) };
}

/**
 * The store's real state machine, with the simulator's server ids translated into member ids where
 * membership changes reach the member table. Everything else is StoreStateMachine unchanged.
 */
export class SimStoreStateMachine extends StoreStateMachine {
  override applyConfigChange(change: AppliedConfigChange, index: number, membership: MembershipConfig): void {
    const translated: AppliedConfigChange =
      change.type === 'bootstrap'
        ? { type: 'bootstrap', config: memberMembership(change.config) }
        : { ...change, id: memberNodeId(change.id) };
    super.applyConfigChange(translated, index, memberMembership(membership));
  }
}
