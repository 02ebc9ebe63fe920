/** Identifies a Raft server. Stable across restarts (e.g. a name or an address). */
export type NodeId = string;

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

/** `normal`: an application command. `noop`: appended by a new leader. `config`: a ConfigChange. */
export type EntryKind = 'normal' | 'noop' | 'config';

export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly kind: EntryKind;
  readonly data: Uint8Array;
}

/** State that must be durable before the server answers votes or appends. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId | null;
  readonly commit: number;
}

export interface MembershipConfig {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export interface SnapshotMeta {
  /** Last log index the snapshot covers. */
  readonly index: number;
  readonly term: number;
  /** Membership as of `index`. */
  readonly config: MembershipConfig;
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  readonly data: Uint8Array;
}

/** A confirmed ReadIndex: reads may be served once `appliedIndex >= index`. */
export interface ReadState {
  readonly index: number;
  readonly context: string;
}

export interface SoftState {
  readonly role: Role;
  readonly leader: NodeId | null;
}

export const EMPTY_HARD_STATE: HardState = { term: 0, vote: null, commit: 0 };

export function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
