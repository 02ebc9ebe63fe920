import type { Rng } from './rng.js';
import type { StoreCluster } from './store-cluster.js';

export type NemesisFault = 'kill-leader' | 'pause-leader' | 'pause-follower' | 'restart-follower';

export interface NemesisEvent {
  /** ms since the nemesis started */
  readonly at: number;
  readonly fault: NemesisFault;
  readonly member: string;
  /** Time from the fault until another member led (leader faults only), ms. */
  readonly failoverMs?: number;
  /** Time from the fault until every member was back and knew a leader, ms. */
  readonly healedMs: number;
}

export interface NemesisOptions {
  readonly rng: Rng;
  readonly faults: readonly NemesisFault[];
  /** How long a paused member stays paused, and how long a killed leader stays down, ms: [min, max). */
  readonly holdMs: readonly [number, number];
  /** Quiet time between one fault healing and the next, ms: [min, max). */
  readonly gapMs: readonly [number, number];
  readonly log?: (line: string) => void;
}

/**
 * Injects one fault at a time into a three-member cluster (so never a majority down): SIGKILL of
 * the leader and a restart from its data dir, SIGSTOP/SIGCONT of the leader or a follower, SIGKILL
 * and restart of a follower. Every fault is healed, and every member ready again (it knows a
 * leader), before the next one; a cluster that does not heal fails the run. The schedule comes
 * from the seeded rng and each event is logged with its timings.
 */
export class Nemesis {
  readonly events: NemesisEvent[] = [];
  private running = true;
  /** Settles when the nemesis has stopped: rejects at once if the cluster failed to heal. */
  readonly finished: Promise<void>;
  private readonly t0 = performance.now();
  private wake: (() => void) | null = null;

  constructor(
    private readonly cluster: StoreCluster,
    private readonly o: NemesisOptions,
  ) {
    this.finished = this.run();
    this.finished.catch(() => undefined);
  }

  /** Stops after the fault in progress has healed; rejects if the cluster failed to heal. */
  async stop(): Promise<NemesisEvent[]> {
    this.running = false;
    this.wake?.();
    await this.finished;
    return this.events;
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.pause(this.between(this.o.gapMs));
      if (!this.running) return;
      await this.inject(this.o.rng.pick(this.o.faults));
    }
  }

  private async inject(fault: NemesisFault): Promise<void> {
    const c = this.cluster;
    const leader = await c.waitLeader({ timeoutMs: 30_000 });
    const followers = c.all.filter((m) => m.state === 'running' && m.name !== leader.name);
    const target = fault === 'kill-leader' || fault === 'pause-leader' ? leader : this.o.rng.pick(followers);
    const at = performance.now();
    const hold = this.between(this.o.holdMs);
    this.log(`${this.ms(at)} ${fault} ${target.name} (leader ${leader.name}), hold ${hold} ms`);
    let failoverMs: number | undefined;
    switch (fault) {
      case 'kill-leader':
        await c.kill(target.name);
        failoverMs = await this.failover(target.name, at);
        await this.pause(Math.max(0, hold - (performance.now() - at)));
        await c.restart(target.name);
        break;
      case 'pause-leader':
        await c.signal(target.name, 'SIGSTOP');
        failoverMs = await this.failover(target.name, at);
        await this.pause(Math.max(0, hold - (performance.now() - at)));
        await c.signal(target.name, 'SIGCONT');
        break;
      case 'pause-follower':
        await c.signal(target.name, 'SIGSTOP');
        await this.pause(hold);
        await c.signal(target.name, 'SIGCONT');
        break;
      case 'restart-follower':
        await c.kill(target.name);
        await c.restart(target.name);
        break;
    }
    await Promise.all(c.all.filter((m) => m.state === 'running').map((m) => c.waitReady(m, 30_000)));
    const healedMs = Math.round(performance.now() - at);
    this.events.push({ at: Math.round(at - this.t0), fault, member: target.name, failoverMs, healedMs });
    this.log(
      `${this.ms(performance.now())} healed ${fault} ${target.name}: ${failoverMs !== undefined ? `new leader after ${failoverMs} ms, ` : ''}all ready after ${healedMs} ms`,
    );
  }

  private async failover(old: string, at: number): Promise<number> {
    const next = await this.cluster.waitLeader({ not: old, timeoutMs: 30_000 });
    const ms = Math.round(performance.now() - at);
    this.log(`${this.ms(performance.now())}   ${next.name} leads`);
    return ms;
  }

  /** A pause in the schedule (not a synchronisation: what follows waits for its own conditions). */
  private pause(ms: number): Promise<void> {
    if (!this.running || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private between([min, max]: readonly [number, number]): number {
    return min + this.o.rng.int(Math.max(1, max - min));
  }

  private ms(t: number): string {
    return `+${((t - this.t0) / 1000).toFixed(2)}s`;
  }

  private log(line: string): void {
    (this.o.log ?? ((l: string) => process.stdout.write(`[nemesis] ${l}\n`)))(line);
  }
}
