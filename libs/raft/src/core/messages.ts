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

export type Message =
  | VoteRequest
  | VoteResponse
  | AppendRequest
  | AppendResponse
  | HeartbeatRequest
  | HeartbeatResponse
  | SnapshotChunk
  | SnapshotChunkResponse
  | TimeoutNow;

export type MessageType = Message['type'];

const REQUESTS: ReadonlySet<MessageType> = new Set<MessageType>([
  'vote',
  'pre-vote',
  'append',
  'heartbeat',
  'snapshot',
  'timeout-now',
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
    default:
      return header + 16;
  }
}
