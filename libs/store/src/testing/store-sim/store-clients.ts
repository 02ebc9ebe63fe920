import { etcdserverpb } from '@flotilla/proto';
import { createRng, type Rng, type ServerSimCluster } from '@flotilla/raft/testing';
import type { RegisterInput } from '@flotilla/testing';
import { KvCalls, type CallOutcome } from './kv-calls.js';
import type { RegisterHistory } from './register-history.js';
import { SimMember, type ReadPath } from './sim-member.js';

export interface StoreLoad {
  readonly clients: number;
  readonly keys: number;
  /** Shares of reads and compare-and-sets among operations; the rest are plain writes. */
  readonly readShare: number;
  readonly casShare: number;
  /** Pause between a client's operations: 1..pauseMaxMs. */
  readonly pauseMaxMs: number;
  /** A client's deadline per call; without an answer by then the outcome is unknown. */
  readonly timeoutMs: number;
  /** Chance that a client keeps talking to the same member after a success (else a random live one). */
  readonly stickiness: number;
}

const { Equal } = etcdserverpb.Compare_CompareResult;
const { Version, Mod, Value } = etcdserverpb.Compare_CompareTarget;

/** What a client last saw of a key: a value and the revision that wrote it (null, 0: absent). */
interface Seen {
  readonly value: string | null;
  readonly modRevision: number;
}

/**
 * Store clients until virtual time `until`: each reads (linearizable Range), writes (Put) or
 * compare-and-sets (Txn comparing the value or the mod revision, then Put) one of a few keys at a
 * member, and records the operation in `history`. Every written value is unique, so that a value
 * names the write that produced it.
 */
export async function runStoreClients(
  c: ServerSimCluster,
  rng: Rng,
  until: number,
  load: StoreLoad,
  readPath: ReadPath,
  history: RegisterHistory,
): Promise<void> {
  const kv = new KvCalls(c, load.timeoutMs);
  const keys = Array.from({ length: load.keys }, (_, k) => `k${k}`);
  const clients: Promise<void>[] = [];
  for (let id = 0; id < load.clients; id++) {
    const client = new StoreClient(c, rng.int(2 ** 31), id, kv, keys, load, readPath, history);
    clients.push(client.run(until));
  }
  await Promise.all(clients);
}

class StoreClient {
  private readonly rng: Rng;
  private n = 0;
  private member = -1;
  /** Per key: what this client last saw; per value: the revision that wrote it. */
  private readonly seen = new Map<string, Seen>();
  private readonly revisionOf = new Map<string, number>();
  private readonly written: string[] = [];

  constructor(
    private readonly c: ServerSimCluster,
    seed: number,
    private readonly id: number,
    private readonly kv: KvCalls,
    private readonly keys: readonly string[],
    private readonly load: StoreLoad,
    private readonly readPath: ReadPath,
    private readonly history: RegisterHistory,
  ) {
    this.rng = createRng(seed);
  }

  async run(until: number): Promise<void> {
    while (this.c.now() < until) {
      const target = this.pickMember();
      if (target < 0) {
        await this.c.sleep(20);
        continue;
      }
      const key = this.keys[this.rng.int(this.keys.length)];
      const member = new SimMember(this.c, target, this.readPath, this.load.timeoutMs);
      const r = this.rng.next();
      const ok =
        r < this.load.readShare
          ? await this.read(member, key)
          : r < this.load.readShare + this.load.casShare
            ? await this.cas(member, key)
            : await this.write(member, key);
      if (!ok || this.rng.next() >= this.load.stickiness) this.member = -1;
      // After an error, back off as etcd's client does before retrying elsewhere.
      await this.c.sleep(1 + this.rng.int(this.load.pauseMaxMs) + (ok ? 0 : 25 + this.rng.int(75)));
    }
  }

  private pickMember(): number {
    if (this.member >= 0 && this.c.isUp(this.member)) return this.member;
    const up = this.c.upServers();
    this.member = up.length > 0 ? up[this.rng.int(up.length)] : -1;
    return this.member;
  }

  private async read(member: SimMember, key: string): Promise<boolean> {
    const input: RegisterInput = { op: 'read' };
    const at = this.c.now();
    const r = await this.kv.range(member, etcdserverpb.RangeRequest.fromPartial({ key: Buffer.from(key) }));
    return this.record(key, input, at, r, (res) => {
      const kv = res.kvs[0];
      const value = kv ? kv.value.toString('utf8') : null;
      this.saw(key, value, kv?.modRevision ?? 0);
      return value;
    });
  }

  private async write(member: SimMember, key: string): Promise<boolean> {
    const value = this.nextValue();
    const input: RegisterInput = { op: 'write', value };
    const at = this.c.now();
    const request = etcdserverpb.PutRequest.fromPartial({ key: Buffer.from(key), value: Buffer.from(value) });
    const r = await this.kv.put(member, request);
    return this.record(key, input, at, r, (res) => {
      this.saw(key, value, res.header?.revision ?? 0);
      return true;
    });
  }

  /** Expects what this client last saw of the key, mostly; sometimes absence or an older value of its own. */
  private async cas(member: SimMember, key: string): Promise<boolean> {
    const last = this.seen.get(key) ?? { value: null, modRevision: 0 };
    const pick = this.rng.next();
    const expected: Seen =
      pick < 0.7 || this.written.length === 0
        ? last
        : pick < 0.85
          ? { value: null, modRevision: 0 }
          : this.older(this.written[this.rng.int(this.written.length)]);
    const value = this.nextValue();
    const input: RegisterInput = { op: 'cas', expected: expected.value, value };
    // By revision only where the revision that wrote the expected value is known: then the two agree.
    const byRevision = this.rng.next() < 0.5 && expected.modRevision >= 0;
    const compare = etcdserverpb.Compare.fromPartial(
      expected.value === null
        ? {
            key: Buffer.from(key),
            result: Equal,
            target: byRevision ? Mod : Version,
            modRevision: 0,
            version: 0,
          }
        : byRevision
          ? { key: Buffer.from(key), result: Equal, target: Mod, modRevision: expected.modRevision }
          : { key: Buffer.from(key), result: Equal, target: Value, value: Buffer.from(expected.value) },
    );
    const request = etcdserverpb.TxnRequest.fromPartial({
      compare: [compare],
      success: [{ requestPut: { key: Buffer.from(key), value: Buffer.from(value) } }],
    });
    const at = this.c.now();
    const r = await this.kv.txn(member, request);
    return this.record(key, input, at, r, (res) => {
      if (res.succeeded) this.saw(key, value, res.header?.revision ?? 0);
      return res.succeeded;
    });
  }

  /** -1: the revision is unknown (the write's answer never came). */
  private older(value: string): Seen {
    return { value, modRevision: this.revisionOf.get(value) ?? -1 };
  }

  private nextValue(): string {
    const value = `c${this.id}.${this.n++}`;
    this.written.push(value);
    return value;
  }

  private saw(key: string, value: string | null, modRevision: number): void {
    this.seen.set(key, { value, modRevision });
    if (value !== null) this.revisionOf.set(value, modRevision);
  }

  private record<T>(
    key: string,
    input: RegisterInput,
    calledAt: number,
    r: CallOutcome<T>,
    output: (value: T) => string | null | boolean,
  ): boolean {
    if (r.kind === 'ok') {
      this.history.completed(this.id, key, input, output(r.value), calledAt, this.c.now());
      return true;
    }
    if (r.kind === 'unknown') this.history.indeterminate(this.id, key, input, calledAt, r.reason);
    else this.history.failed(input.op, r.reason);
    return false;
  }
}
