import type { Etcd3 } from 'etcd3';
import type { Operation, RegisterInput, RegisterOutput } from '@flotilla/testing';
import { neverSent, singleShotClient } from './etcd-clients.js';
import { type Rng } from './rng.js';

export type RegisterOp = Operation<RegisterInput, RegisterOutput>;

export interface RegisterWorkloadOptions {
  readonly endpoints: readonly string[];
  /** Concurrent clients, each with its own etcd3 client on every endpoint. */
  readonly clients: number;
  /** The registers (etcd keys). */
  readonly keys: readonly string[];
  readonly callTimeoutMs: number;
  readonly rng: Rng;
}

export interface WorkloadStats {
  ok: number;
  /** Writes and cas that failed or timed out: outcome unknown. */
  unknown: number;
  /** Reads that failed (dropped from the history). */
  failedReads: number;
  /** Calls the client's breakers refused (never sent, dropped). */
  notSent: number;
  /** Successful operations per second of load, in one-second buckets. */
  okPerSecond: number[];
  errors: Map<string, number>;
}

/**
 * Concurrent clients doing linearizable reads (Range), writes (Put) and compare-and-set (Txn on
 * the value, or on create_revision = 0 for "absent") on a few keys, recording each operation's call
 * and return times and result for the linearizability checker. A write or cas that fails or times
 * out has an unknown outcome (returnedAt Infinity); a failed read is dropped. After an error a
 * client pauses briefly, as real clients back off, so an election does not fill the history with
 * thousands of indeterminate operations.
 */
export class RegisterWorkload {
  readonly history: RegisterOp[] = [];
  readonly stats: WorkloadStats = {
    ok: 0,
    unknown: 0,
    failedReads: 0,
    notSent: 0,
    okPerSecond: [],
    errors: new Map(),
  };
  private running = true;
  private readonly loops: Promise<void>[];
  private readonly clients: Etcd3[];
  private readonly startedAt = performance.now();

  constructor(private readonly o: RegisterWorkloadOptions) {
    this.clients = Array.from({ length: o.clients }, () => singleShotClient(o.endpoints, o.callTimeoutMs));
    this.loops = this.clients.map((client, id) => this.loop(id, client));
  }

  /** Stops issuing operations, waits for the ones in flight, closes the clients. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    for (const c of this.clients) c.close();
  }

  private async loop(clientId: number, client: Etcd3): Promise<void> {
    const { rng, keys } = this.o;
    // What this client last saw per key: the expected value of its next cas.
    const seen = new Map<string, string | null>();
    let seq = 0;
    while (this.running) {
      const key = keys[rng.int(keys.length)];
      const roll = rng.next();
      const value = `c${clientId}-${seq++}`;
      const input: RegisterInput =
        roll < 0.4
          ? { op: 'read' }
          : roll < 0.7
            ? { op: 'write', value }
            : { op: 'cas', expected: seen.has(key) ? (seen.get(key) ?? null) : null, value };
      const calledAt = performance.now();
      try {
        const output = await this.execute(client, key, input);
        const returnedAt = performance.now();
        this.history.push({ clientId, key, input, output, calledAt, returnedAt });
        this.stats.ok++;
        const second = Math.floor((returnedAt - this.startedAt) / 1000);
        this.stats.okPerSecond[second] = (this.stats.okPerSecond[second] ?? 0) + 1;
        if (input.op === 'read') seen.set(key, output as string | null);
        else if (input.op === 'write' || output === true) seen.set(key, input.value);
      } catch (e) {
        const name = errorKind(e);
        this.stats.errors.set(name, (this.stats.errors.get(name) ?? 0) + 1);
        if (neverSent(e)) {
          this.stats.notSent++;
        } else if (input.op === 'read') {
          this.stats.failedReads++;
        } else {
          this.stats.unknown++;
          this.history.push({ clientId, key, input, output: undefined, calledAt, returnedAt: Infinity });
          // Whatever this client expected may have been overwritten by its own lost write.
          seen.delete(key);
        }
        if (this.running) await new Promise((r) => setTimeout(r, 50 + rng.int(150)));
      }
    }
  }

  private async execute(client: Etcd3, key: string, input: RegisterInput): Promise<RegisterOutput> {
    switch (input.op) {
      case 'read': {
        // Half the reads are Range (linearizable: etcd3's default), half a read-only Txn (the
        // server serves those locally after a read index too, on its own code path).
        if (this.o.rng.next() < 0.5) return await client.get(key).string();
        const res = await client.if(key, 'Version', '>', -1).then(client.get(key)).commit();
        const kv = res.responses[0]?.response_range?.kvs[0];
        return kv ? kv.value.toString() : null;
      }
      case 'write':
        await client.put(key).value(input.value).exec();
        return true;
      case 'cas': {
        const txn =
          input.expected === null
            ? client.if(key, 'Create', '==', 0)
            : client.if(key, 'Value', '==', input.expected);
        const res = await txn.then(client.put(key).value(input.value)).commit();
        return res.succeeded;
      }
    }
  }
}

/** An error's class and message without the per-call details (addresses, timings). */
function errorKind(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const message = e.message
    .replace(/ after [\d.]+s.*$/, '')
    .replace(/\. Last error: .*$/, '')
    .slice(0, 80);
  return `${e.constructor.name}: ${message}`;
}
