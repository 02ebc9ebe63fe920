import type { Etcd3 } from 'etcd3';
import { singleShotClient } from './etcd-clients.js';
import type { Rng } from './rng.js';

export interface AckedWrite {
  readonly key: string;
  readonly value: string;
  /** The revision the Put was applied at (its response header's revision = the key's mod_revision). */
  readonly revision: number;
  /** When the acknowledgement arrived (performance.now()). */
  readonly at: number;
}

export interface AckedWritersOptions {
  /** Current client endpoints; read again whenever a writer reconnects. */
  readonly endpoints: () => readonly string[];
  readonly writers: number;
  readonly keysPerWriter: number;
  readonly prefix: string;
  readonly callTimeoutMs: number;
  readonly rng: Rng;
}

/**
 * Writers that Put unique values, each to keys of its own, one call at a time, and record every
 * acknowledgement with its revision; a Put that fails or times out has an unknown outcome and is
 * remembered as possibly applied. So for every key the store must hold the last acknowledged value,
 * or a value whose Put was in flight or failed after it.
 */
export class AckedWriters {
  readonly acked: AckedWrite[] = [];
  /** Values whose Put failed (may or may not be applied), by key. */
  readonly unknown = new Map<string, Set<string>>();
  errors = 0;
  private running = true;
  private generation = 0;
  private readonly loops: Promise<void>[];

  constructor(private readonly o: AckedWritersOptions) {
    this.loops = Array.from({ length: o.writers }, (_, w) => this.loop(w));
  }

  /** Acknowledged writes after `t` (performance.now()). */
  ackedSince(t: number): number {
    let n = 0;
    for (let i = this.acked.length - 1; i >= 0 && (this.acked[i]?.at ?? 0) > t; i--) n++;
    return n;
  }

  /** Every writer makes a new client from `endpoints()` before its next call. */
  reconnect(): void {
    this.generation++;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(writer: number): Promise<void> {
    const { o } = this;
    let client: Etcd3 | null = null;
    let generation = -1;
    let seq = 0;
    try {
      while (this.running) {
        if (!client || generation !== this.generation) {
          client?.close();
          generation = this.generation;
          client = singleShotClient(o.endpoints(), o.callTimeoutMs);
        }
        const key = `${o.prefix}${writer}/${o.rng.int(o.keysPerWriter)}`;
        const value = `w${writer}-${seq++}`;
        try {
          const res = await client.put(key).value(value).exec();
          this.acked.push({ key, value, revision: Number(res.header.revision), at: performance.now() });
        } catch {
          this.errors++;
          const set = this.unknown.get(key) ?? new Set<string>();
          set.add(value);
          this.unknown.set(key, set);
          if (this.running) await new Promise((r) => setTimeout(r, 50 + o.rng.int(150)));
        }
      }
    } finally {
      client?.close();
    }
  }
}
