import { raftV1 } from '@flotilla/proto';
import { describe, expect, it } from 'vitest';
import type { Message, MessageType } from '../core/messages.js';
import { fromWire, MessageDecodeError, toWire } from './message-codec.js';

const env = { from: 'n1', to: 'n2', term: 7 };
const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

/** One sample per message type; a new type in core/messages.ts fails the exhaustiveness check below. */
const SAMPLES: Record<MessageType, Message[]> = {
  vote: [{ ...env, type: 'vote', lastIndex: 12, lastTerm: 6, force: true }],
  'pre-vote': [{ ...env, type: 'pre-vote', lastIndex: 0, lastTerm: 0, force: false }],
  'vote-resp': [{ ...env, type: 'vote-resp', granted: true }],
  'pre-vote-resp': [{ ...env, type: 'pre-vote-resp', granted: false }],
  append: [
    {
      ...env,
      type: 'append',
      prevIndex: 9,
      prevTerm: 5,
      commit: 8,
      entries: [
        { index: 10, term: 7, kind: 'normal', data: bytes(1, 2, 3) },
        { index: 11, term: 7, kind: 'noop', data: bytes() },
        { index: 12, term: 7, kind: 'config', data: bytes(0, 255) },
      ],
    },
    { ...env, type: 'append', prevIndex: 2 ** 40, prevTerm: 2 ** 33, commit: 0, entries: [] },
  ],
  'append-resp': [
    { ...env, type: 'append-resp', index: 12, reject: false, hintIndex: 0, hintTerm: 0 },
    { ...env, type: 'append-resp', index: 9, reject: true, hintIndex: 4, hintTerm: 3 },
  ],
  heartbeat: [
    { ...env, type: 'heartbeat', commit: 8, context: 'n1/3' },
    { ...env, type: 'heartbeat', commit: 0, context: null },
    { ...env, type: 'heartbeat', commit: 1, context: '' },
  ],
  'heartbeat-resp': [
    { ...env, type: 'heartbeat-resp', context: 'n1/3' },
    { ...env, type: 'heartbeat-resp', context: null },
  ],
  snapshot: [
    {
      ...env,
      type: 'snapshot',
      meta: { index: 100, term: 6, config: { voters: ['n1', 'n2', 'n3'], learners: ['n4'] } },
      offset: 64,
      totalBytes: 200,
      data: bytes(9, 8, 7),
      done: false,
    },
    {
      ...env,
      type: 'snapshot',
      meta: { index: 1, term: 1, config: { voters: [], learners: [] } },
      offset: 0,
      totalBytes: 0,
      data: bytes(),
      done: true,
    },
  ],
  'snapshot-resp': [{ ...env, type: 'snapshot-resp', snapshotIndex: 100, nextOffset: 128 }],
  'timeout-now': [{ ...env, type: 'timeout-now' }],
  propose: [
    {
      ...env,
      term: 0,
      type: 'propose',
      id: 2 ** 40 + 3,
      commands: [
        { kind: 'normal', data: bytes(1, 2, 3) },
        { kind: 'config', data: bytes(123) },
        { kind: 'normal', data: bytes() },
      ],
    },
    { ...env, term: 0, type: 'propose', id: 0, commands: [] },
  ],
  'propose-resp': [
    { ...env, type: 'propose-resp', id: 17, index: 2 ** 35, entryTerm: 7, reject: '' },
    { ...env, type: 'propose-resp', id: 18, index: 0, entryTerm: 0, reject: 'not-leader' },
  ],
  'read-index': [
    { ...env, term: 0, type: 'read-index', context: 'n2/41' },
    { ...env, term: 0, type: 'read-index', context: '' },
  ],
  'read-index-resp': [
    { ...env, type: 'read-index-resp', context: 'n2/41', index: 96, reject: false },
    { ...env, type: 'read-index-resp', context: 'n2/42', index: 0, reject: true },
  ],
};

/** Through the codec and protobuf bytes and back, as the transport does. */
function roundTrip(m: Message): Message {
  return fromWire(throughBytes(toWire(m, 'cluster-a')));
}

function throughBytes(w: raftV1.RaftMessage): raftV1.RaftMessage {
  return raftV1.RaftMessage.decode(raftV1.RaftMessage.encode(w).finish());
}

describe('message codec', () => {
  for (const [type, samples] of Object.entries(SAMPLES)) {
    it(`round-trips ${type}`, () => {
      for (const m of samples) {
        const back = roundTrip(m);
        expect(back).toEqual(m);
        expect(back.type).toBe(type);
      }
    });
  }

  it('decodes entry and forwarded command data to plain Uint8Arrays', () => {
    const back = roundTrip(SAMPLES.append[0]);
    if (back.type !== 'append') throw new Error('not an append');
    expect(Object.getPrototypeOf(back.entries[0].data)).toBe(Uint8Array.prototype);
    const forwarded = roundTrip(SAMPLES.propose[0]);
    if (forwarded.type !== 'propose') throw new Error('not a propose');
    expect(Object.getPrototypeOf(forwarded.commands[0].data)).toBe(Uint8Array.prototype);
  });

  it('stamps the cluster id on every message', () => {
    for (const m of Object.values(SAMPLES).flat()) {
      expect(throughBytes(toWire(m, 'cluster-a')).clusterId).toBe('cluster-a');
    }
  });

  it('rejects a message without a body', () => {
    expect(() => fromWire({ from: 'a', to: 'b', term: 1, clusterId: 'c' })).toThrow(MessageDecodeError);
  });

  it('rejects a forwarded no-op or an unknown command kind', () => {
    const wire = (kind: raftV1.EntryKind): raftV1.RaftMessage => ({
      from: 'a',
      to: 'b',
      term: 0,
      clusterId: 'c',
      propose: { id: 1, commands: [{ kind, data: Buffer.alloc(0) }] },
    });
    expect(() => fromWire(wire(raftV1.EntryKind.ENTRY_KIND_NOOP))).toThrow(MessageDecodeError);
    expect(() => fromWire(wire(raftV1.EntryKind.ENTRY_KIND_UNSPECIFIED))).toThrow(MessageDecodeError);
  });
});
