import type { Entry, NodeId, SnapshotMeta } from './types.js';

interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  /** Sender's term (for pre-vote: the term the sender would campaign in). */
  readonly term: number;
}

export interface VoteRequest extends Envelope {
  readonly type: 'vote' | 'pre-vote';
  readonly lastIndex: number;
  readonly lastTerm: number;
  /** Set by a leadership transfer: voters ignore their leader lease. */
  readonly force: boolean;
}

export interface VoteResponse extends Envelope {
  readonly type: 'vote-resp' | 'pre-vote-resp';
  readonly granted: boolean;
}

export interface AppendRequest extends Envelope {
  readonly type: 'append';
  readonly prevIndex: number;
  readonly prevTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

export interface AppendResponse extends Envelope {
  readonly type: 'append-resp';
  /** Accepted: last index known to match. Rejected: the prevIndex that failed. */
  readonly index: number;
  readonly reject: boolean;
  /** Fast backtracking hint: largest index <= the rejected one whose term is <= the probed term. */
  readonly hintIndex: number;
  readonly hintTerm: number;
}

export interface HeartbeatRequest extends Envelope {
  readonly type: 'heartbeat';
  readonly commit: number;
  /** ReadIndex round being confirmed, echoed back. */
  readonly context: string | null;
}

export interface HeartbeatResponse extends Envelope {
  readonly type: 'heartbeat-resp';
  readonly context: string | null;
}

export interface SnapshotChunk extends Envelope {
  readonly type: 'snapshot';
  readonly meta: SnapshotMeta;
  readonly offset: number;
  readonly totalBytes: number;
  readonly data: Uint8Array;
  readonly done: boolean;
}

export interface SnapshotChunkResponse extends Envelope {
  readonly type: 'snapshot-resp';
  readonly snapshotIndex: number;
  /** Offset the follower expects next. */
  readonly nextOffset: number;
}

export interface TimeoutNow extends Envelope {
  readonly type: 'timeout-now';
}

/** A command forwarded with a proposal: an application command or a membership change. */
export interface ForwardedCommand {
  readonly kind: 'normal' | 'config';
  readonly data: Uint8Array;
}

/**
 * Proposals made on a follower, forwarded to the leader (etcd's MsgProp). Term 0: local to the
 * cluster's current leadership, exempt from term checks. `id` is chosen by the follower.
 */
export interface ProposalForward extends Envelope {
  readonly type: 'propose';
  readonly id: number;
  readonly commands: readonly ForwardedCommand[];
}

/** The leader's answer to a ProposalForward: where the commands landed, or why not. */
export interface ProposalForwardResponse extends Envelope {
  readonly type: 'propose-resp';
  readonly id: number;
  /** Index of the first command (the rest follow contiguously), 0 when rejected. */
  readonly index: number;
  /** Term the commands were appended in, 0 when rejected. */
  readonly entryTerm: number;
  /** Empty when accepted, else a ProposeError ('not-leader', 'overloaded', ...). */
  readonly reject: string;
}

/** A follower asks the leader for a read index (etcd's MsgReadIndex). Term 0, like `propose`. */
export interface ReadIndexRequest extends Envelope {
  readonly type: 'read-index';
  readonly context: string;
}

/** The leader's confirmed read index for `context`, or a rejection (index 0, reject true). */
export interface ReadIndexResponse extends Envelope {
  readonly type: 'read-index-resp';
  readonly context: string;
  readonly index: number;
  readonly reject: boolean;
}

export type Message =
  | VoteRequest
  | VoteResponse
  | AppendRequest
  | AppendResponse
  | HeartbeatRequest
  | HeartbeatResponse
  | SnapshotChunk
  | SnapshotChunkResponse
  | TimeoutNow
  | ProposalForward
  | ProposalForwardResponse
  | ReadIndexRequest
  | ReadIndexResponse;

export type MessageType = Message['type'];

const REQUESTS: ReadonlySet<MessageType> = new Set<MessageType>([
  'vote',
  'pre-vote',
  'append',
  'heartbeat',
  'snapshot',
  'timeout-now',
  'propose',
  'read-index',
]);

/** Requests initiate an exchange; the rest are responses (used for fault injection and RPC counting). */
export function isRequest(m: Message): boolean {
  return REQUESTS.has(m.type);
}

/** Approximate wire size: fixed header plus payload bytes. Used for accounting only. */
export function messageSize(m: Message): number {
  const header = 24;
  switch (m.type) {
    case 'append':
      return header + 24 + m.entries.reduce((n, e) => n + 17 + e.data.length, 0);
    case 'snapshot':
      return header + 40 + 8 * (m.meta.config.voters.length + m.meta.config.learners.length) + m.data.length;
    case 'heartbeat':
    case 'heartbeat-resp':
      return header + 8 + (m.context?.length ?? 0);
    case 'propose':
      return header + 8 + m.commands.reduce((n, c) => n + 5 + c.data.length, 0);
    case 'read-index':
    case 'read-index-resp':
      return header + 16 + m.context.length;
    default:
      return header + 16;
  }
}
