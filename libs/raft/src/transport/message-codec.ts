import { raftV1 } from '@flotilla/proto';
import type { ForwardedCommand, Message } from '../core/messages.js';
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

/** Core Message -> protobuf RaftMessage, stamped with the sender's cluster. */
export function toWire(m: Message, clusterId: string): Wire {
  const w: Wire = { from: m.from, to: m.to, term: m.term, clusterId };
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
    case 'propose':
      w.propose = { id: m.id, commands: m.commands.map(commandToWire) };
      break;
    case 'propose-resp':
      w.proposeResponse = { id: m.id, index: m.index, entryTerm: m.entryTerm, reject: m.reject };
      break;
    case 'read-index':
      w.readIndex = { context: m.context };
      break;
    case 'read-index-resp':
      w.readIndexResponse = { context: m.context, index: m.index, reject: m.reject };
      break;
  }
  return w;
}

/**
 * Protobuf RaftMessage -> core Message; throws MessageDecodeError if no body is set. The cluster
 * id is the transport's business (checked before decoding) and is not part of the core Message.
 */
export function fromWire(w: Wire): Message {
  // Literal objects, no spread of a shared envelope: this runs for every message received.
  const { from, to, term } = w;
  if (w.append) {
    const a = w.append;
    const entries = a.entries.map(entryFromWire);
    return {
      type: 'append',
      from,
      to,
      term,
      prevIndex: a.prevIndex,
      prevTerm: a.prevTerm,
      entries,
      commit: a.commit,
    };
  }
  if (w.appendResponse) {
    const r = w.appendResponse;
    return {
      type: 'append-resp',
      from,
      to,
      term,
      index: r.index,
      reject: r.reject,
      hintIndex: r.hintIndex,
      hintTerm: r.hintTerm,
    };
  }
  if (w.heartbeat) {
    return {
      type: 'heartbeat',
      from,
      to,
      term,
      commit: w.heartbeat.commit,
      context: w.heartbeat.context ?? null,
    };
  }
  if (w.heartbeatResponse) {
    return { type: 'heartbeat-resp', from, to, term, context: w.heartbeatResponse.context ?? null };
  }
  if (w.vote) {
    const v = w.vote;
    const type = v.preVote ? 'pre-vote' : 'vote';
    return { type, from, to, term, lastIndex: v.lastIndex, lastTerm: v.lastTerm, force: v.force };
  }
  if (w.voteResponse) {
    const type = w.voteResponse.preVote ? 'pre-vote-resp' : 'vote-resp';
    return { type, from, to, term, granted: w.voteResponse.granted };
  }
  if (w.snapshot) {
    const s = w.snapshot;
    if (!s.meta) throw new MessageDecodeError('snapshot chunk without meta');
    const meta = metaFromWire(s.meta);
    return {
      type: 'snapshot',
      from,
      to,
      term,
      meta,
      offset: s.offset,
      totalBytes: s.totalBytes,
      data: asBytes(s.data),
      done: s.done,
    };
  }
  if (w.snapshotResponse) {
    const r = w.snapshotResponse;
    return {
      type: 'snapshot-resp',
      from,
      to,
      term,
      snapshotIndex: r.snapshotIndex,
      nextOffset: r.nextOffset,
    };
  }
  if (w.timeoutNow) return { type: 'timeout-now', from, to, term };
  if (w.propose) {
    const commands = w.propose.commands.map(commandFromWire);
    return { type: 'propose', from, to, term, id: w.propose.id, commands };
  }
  if (w.proposeResponse) {
    const r = w.proposeResponse;
    return {
      type: 'propose-resp',
      from,
      to,
      term,
      id: r.id,
      index: r.index,
      entryTerm: r.entryTerm,
      reject: r.reject,
    };
  }
  if (w.readIndex) return { type: 'read-index', from, to, term, context: w.readIndex.context };
  if (w.readIndexResponse) {
    const r = w.readIndexResponse;
    return { type: 'read-index-resp', from, to, term, context: r.context, index: r.index, reject: r.reject };
  }
  throw new MessageDecodeError(`no body (from ${from} to ${to})`);
}

function entryToWire(e: Entry): raftV1.Entry {
  return { index: e.index, term: e.term, kind: KIND_TO_WIRE[e.kind], data: asBuffer(e.data) };
}

function entryFromWire(e: raftV1.Entry): Entry {
  return { index: e.index, term: e.term, kind: kindFromWire(e.kind), data: asBytes(e.data) };
}

function commandToWire(c: ForwardedCommand): raftV1.ForwardedCommand {
  return { kind: KIND_TO_WIRE[c.kind], data: asBuffer(c.data) };
}

function commandFromWire(c: raftV1.ForwardedCommand): ForwardedCommand {
  const kind = kindFromWire(c.kind);
  if (kind === 'noop') throw new MessageDecodeError('a forwarded command cannot be a no-op');
  return { kind, data: asBytes(c.data) };
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
