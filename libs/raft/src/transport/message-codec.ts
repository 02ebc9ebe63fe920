import { raftV1 } from '@flotilla/proto';
import type { Message } from '../core/messages.js';
import type { Entry, EntryKind, MembershipConfig, SnapshotMeta } from '../core/types.js';

type Wire = raftV1.RaftMessage;

const KIND_TO_WIRE: Record<EntryKind, raftV1.EntryKind> = {
  normal: raftV1.EntryKind.ENTRY_KIND_NORMAL,
  noop: raftV1.EntryKind.ENTRY_KIND_NOOP,
  config: raftV1.EntryKind.ENTRY_KIND_CONFIG,
};

/** Thrown for a wire message that maps to no core Message (e.g. from a newer peer). */
export class MessageDecodeError extends Error {
  constructor(reason: string) {
    super(`raft transport: undecodable message: ${reason}`);
    this.name = 'MessageDecodeError';
  }
}

/** Core Message -> protobuf RaftMessage. */
export function toWire(m: Message): Wire {
  const w: Wire = { from: m.from, to: m.to, term: m.term };
  switch (m.type) {
    case 'vote':
    case 'pre-vote':
      w.vote = {
        preVote: m.type === 'pre-vote',
        lastIndex: m.lastIndex,
        lastTerm: m.lastTerm,
        force: m.force,
      };
      break;
    case 'vote-resp':
    case 'pre-vote-resp':
      w.voteResponse = { preVote: m.type === 'pre-vote-resp', granted: m.granted };
      break;
    case 'append':
      w.append = {
        prevIndex: m.prevIndex,
        prevTerm: m.prevTerm,
        entries: m.entries.map(entryToWire),
        commit: m.commit,
      };
      break;
    case 'append-resp':
      w.appendResponse = { index: m.index, reject: m.reject, hintIndex: m.hintIndex, hintTerm: m.hintTerm };
      break;
    case 'heartbeat':
      w.heartbeat = { commit: m.commit, context: m.context ?? undefined };
      break;
    case 'heartbeat-resp':
      w.heartbeatResponse = { context: m.context ?? undefined };
      break;
    case 'snapshot':
      w.snapshot = {
        meta: metaToWire(m.meta),
        offset: m.offset,
        totalBytes: m.totalBytes,
        data: asBuffer(m.data),
        done: m.done,
      };
      break;
    case 'snapshot-resp':
      w.snapshotResponse = { snapshotIndex: m.snapshotIndex, nextOffset: m.nextOffset };
      break;
    case 'timeout-now':
      w.timeoutNow = {};
      break;
  }
  return w;
}

/** Protobuf RaftMessage -> core Message; throws MessageDecodeError if no body is set. */
export function fromWire(w: Wire): Message {
  const env = { from: w.from, to: w.to, term: w.term };
  if (w.vote) {
    const v = w.vote;
    return {
      ...env,
      type: v.preVote ? 'pre-vote' : 'vote',
      lastIndex: v.lastIndex,
      lastTerm: v.lastTerm,
      force: v.force,
    };
  }
  if (w.voteResponse) {
    return {
      ...env,
      type: w.voteResponse.preVote ? 'pre-vote-resp' : 'vote-resp',
      granted: w.voteResponse.granted,
    };
  }
  if (w.append) {
    const a = w.append;
    return {
      ...env,
      type: 'append',
      prevIndex: a.prevIndex,
      prevTerm: a.prevTerm,
      entries: a.entries.map(entryFromWire),
      commit: a.commit,
    };
  }
  if (w.appendResponse) {
    const r = w.appendResponse;
    return {
      ...env,
      type: 'append-resp',
      index: r.index,
      reject: r.reject,
      hintIndex: r.hintIndex,
      hintTerm: r.hintTerm,
    };
  }
  if (w.heartbeat)
    return { ...env, type: 'heartbeat', commit: w.heartbeat.commit, context: w.heartbeat.context ?? null };
  if (w.heartbeatResponse)
    return { ...env, type: 'heartbeat-resp', context: w.heartbeatResponse.context ?? null };
  if (w.snapshot) {
    const s = w.snapshot;
    if (!s.meta) throw new MessageDecodeError('snapshot chunk without meta');
    return {
      ...env,
      type: 'snapshot',
      meta: metaFromWire(s.meta),
      offset: s.offset,
      totalBytes: s.totalBytes,
      data: asBytes(s.data),
      done: s.done,
    };
  }
  if (w.snapshotResponse) {
    const r = w.snapshotResponse;
    return { ...env, type: 'snapshot-resp', snapshotIndex: r.snapshotIndex, nextOffset: r.nextOffset };
  }
  if (w.timeoutNow) return { ...env, type: 'timeout-now' };
  throw new MessageDecodeError(`no body (from ${w.from} to ${w.to})`);
}

function entryToWire(e: Entry): raftV1.Entry {
  return { index: e.index, term: e.term, kind: KIND_TO_WIRE[e.kind], data: asBuffer(e.data) };
}

function entryFromWire(e: raftV1.Entry): Entry {
  return { index: e.index, term: e.term, kind: kindFromWire(e.kind), data: asBytes(e.data) };
}

function kindFromWire(k: raftV1.EntryKind): EntryKind {
  switch (k) {
    case raftV1.EntryKind.ENTRY_KIND_NORMAL:
      return 'normal';
    case raftV1.EntryKind.ENTRY_KIND_NOOP:
      return 'noop';
    case raftV1.EntryKind.ENTRY_KIND_CONFIG:
      return 'config';
    default:
      throw new MessageDecodeError(`unknown entry kind ${String(k)}`);
  }
}

function metaToWire(m: SnapshotMeta): raftV1.SnapshotMeta {
  return {
    index: m.index,
    term: m.term,
    config: { voters: [...m.config.voters], learners: [...m.config.learners] },
  };
}

function metaFromWire(m: raftV1.SnapshotMeta): SnapshotMeta {
  const config: MembershipConfig = { voters: m.config?.voters ?? [], learners: m.config?.learners ?? [] };
  return { index: m.index, term: m.term, config };
}

/** Zero-copy view as the Buffer the generated code expects. */
function asBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Plain Uint8Array, as the core and the state machine expect. */
function asBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
