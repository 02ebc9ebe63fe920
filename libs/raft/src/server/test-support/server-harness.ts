import { createRng } from '../../core/rng.js';
import type { NodeId } from '../../core/types.js';
import type { StateMachine } from '../../interfaces/state-machine.js';
import { ManualClock } from '../../memory/manual-clock.js';
import { MemoryNetwork } from '../../memory/memory-network.js';
import { MemoryStorage } from '../../memory/memory-storage.js';
import { RaftServer, type RaftServerOptions } from '../raft-server.js';

export const enc = new TextEncoder();
export const dec = new TextDecoder();

/** A tiny key/value store: commands are "key=value"; apply returns the previous value. */
export class KvStore implements StateMachine<string | undefined> {
  readonly data = new Map<string, string>();
  apply(command: Uint8Array): string | undefined {
    const [k, v] = dec.decode(command).split('=');
    const prev = this.data.get(k);
    this.data.set(k, v);
    return prev;
  }
  snapshot(): Uint8Array {
    return enc.encode(JSON.stringify([...this.data]));
  }
  restore(snapshot: Uint8Array): void {
    this.data.clear();
    for (const [k, v] of JSON.parse(dec.decode(snapshot)) as [string, string][]) this.data.set(k, v);
  }
}

export interface Member {
  server: RaftServer<string | undefined>;
  kv: KvStore;
  storage: MemoryStorage;
}

export class Harness {
  readonly clock = new ManualClock();
  readonly net = new MemoryNetwork();
  readonly members = new Map<NodeId, Member>();

  async add(
    id: NodeId,
    bootstrap: NodeId[] | undefined,
    snapshotThreshold = 0,
    storage = new MemoryStorage(),
    extra: Partial<RaftServerOptions<string | undefined>> = {},
  ): Promise<Member> {
    // A test may pass its own (instrumented) KvStore as the state machine.
    const kv = extra.stateMachine instanceof KvStore ? extra.stateMachine : new KvStore();
    const server = await RaftServer.start<string | undefined>({
      id,
      bootstrap: bootstrap ? { voters: bootstrap, learners: [] } : undefined,
      storage,
      transport: this.net.transport(id),
      stateMachine: kv,
      clock: this.clock,
      rng: createRng(id.charCodeAt(1) * 7919),
      snapshotThreshold,
      snapshotTrailing: 2,
      raft: { snapshotChunkBytes: 64 },
      addressOf: (peer) => `${peer}.example:2380`,
      ...extra,
    });
    const m = { server, kv, storage };
    this.members.set(id, m);
    return m;
  }

  async leader(): Promise<Member> {
    for (let i = 0; i < 100; i++) {
      const ls = [...this.members.values()].filter((m) => m.server.isLeader() && !m.server.status().stopped);
      if (ls.length === 1) return ls[0];
      await this.clock.advance(100);
    }
    throw new Error('no leader');
  }

  /** Runs `p` while advancing virtual time. */
  async run<T>(p: Promise<T>, maxMs = 10_000): Promise<T> {
    let done = false;
    let out: { ok: true; v: T } | { ok: false; e: unknown } | undefined;
    p.then(
      (v) => ((out = { ok: true, v }), (done = true)),
      (e: unknown) => ((out = { ok: false, e }), (done = true)),
    );
    for (let t = 0; t < maxMs && !done; t += 10) await this.clock.advance(10);
    if (!out) throw new Error('timed out');
    if (!out.ok) throw out.e;
    return out.v;
  }

  async stopAll(): Promise<void> {
    for (const m of this.members.values()) await m.server.stop();
  }
}

/** Observes a promise without awaiting it. */
export function outcome<T>(p: Promise<T>): { done: () => boolean; value: () => T | Error } {
  let result: { v: T | Error } | undefined;
  p.then(
    (v) => (result = { v }),
    (e: unknown) => (result = { v: e instanceof Error ? e : new Error(String(e)) }),
  );
  return {
    done: () => result !== undefined,
    value: () => {
      if (!result) throw new Error('not settled');
      return result.v;
    },
  };
}
