import { Metadata } from '@grpc/grpc-js';
import type { etcdserverpb } from '@flotilla/proto';
import type { MemberRpc } from './rpc.js';

export interface KeepAliveResult {
  /** The TTL the member answered (0: the lease is gone). */
  readonly ttl: number;
  readonly sentAt: number;
  readonly receivedAt: number;
}

/** One keep-alive on its own LeaseKeepAlive stream (a follower passes it on to the leader). */
export function keepAliveOnce(rpc: MemberRpc, id: number, timeoutMs = 2000): Promise<KeepAliveResult> {
  return new Promise((resolve, reject) => {
    const stream = rpc.lease.leaseKeepAlive(new Metadata(), { deadline: Date.now() + timeoutMs });
    const sentAt = performance.now();
    let settled = false;
    stream.on('data', (res: etcdserverpb.LeaseKeepAliveResponse) => {
      if (settled) return;
      settled = true;
      resolve({ ttl: res.TTL, sentAt, receivedAt: performance.now() });
      stream.end();
    });
    stream.on('error', (e: Error) => {
      if (settled) return;
      settled = true;
      reject(e);
    });
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      reject(new Error(`keep-alive stream to ${rpc.endpoint} ended without an answer`));
    });
    stream.write({ ID: id });
  });
}

export function grant(rpc: MemberRpc, ttl: number): Promise<etcdserverpb.LeaseGrantResponse> {
  return new Promise((resolve, reject) =>
    rpc.lease.leaseGrant({ TTL: ttl, ID: 0 }, new Metadata(), { deadline: Date.now() + 5000 }, (e, r) =>
      e ? reject(e) : resolve(r),
    ),
  );
}

export function timeToLive(rpc: MemberRpc, id: number): Promise<etcdserverpb.LeaseTimeToLiveResponse> {
  return new Promise((resolve, reject) =>
    rpc.lease.leaseTimeToLive(
      { ID: id, keys: true },
      new Metadata(),
      { deadline: Date.now() + 3000 },
      (e, r) => (e ? reject(e) : resolve(r)),
    ),
  );
}

/**
 * Keeps a lease alive every `everyMs` through the running members in turn, as a client library
 * does; failed keep-alives are retried on the next member. `last` is the latest one answered with a
 * TTL > 0. Stop it to let the lease run out.
 */
export class KeepAliveLoop {
  last: KeepAliveResult | null = null;
  failures = 0;
  expired = false;
  private running = true;
  private wake: (() => void) | null = null;
  private readonly done: Promise<void>;

  constructor(
    private readonly members: () => readonly MemberRpc[],
    private readonly id: number,
    private readonly everyMs: number,
  ) {
    this.done = this.run();
  }

  /** Stops after the keep-alive in flight; returns the last one answered. */
  async stop(): Promise<KeepAliveResult | null> {
    this.running = false;
    this.wake?.();
    await this.done;
    return this.last;
  }

  private async run(): Promise<void> {
    let turn = 0;
    while (this.running) {
      const ms = this.members();
      const rpc = ms[turn++ % ms.length];
      let next = this.everyMs;
      try {
        if (!rpc) throw new Error('no member to send a keep-alive to');
        const r = await keepAliveOnce(rpc, this.id);
        if (r.ttl <= 0) this.expired = true;
        else this.last = r;
      } catch {
        this.failures++;
        next = 100;
      }
      if (this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, next);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }
}
