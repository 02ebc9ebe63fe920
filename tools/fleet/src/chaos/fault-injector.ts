import type { RunState } from '../dashboard/sources/run-state.js';
import type { ControlClient } from './control-client.js';
import { type FaultKind, type PlannedFault, planFault, type TargetGroup } from './fault-plan.js';
import { between } from './random.js';

const HEAL_TIMEOUT_MS = 60_000;

/** Resolves after `ms`, or at once when `signal` aborts. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export interface InjectorOptions {
  control: ControlClient;
  /** Which groups may be hit: service names, and "store" for the store's members. */
  targets: (state: RunState) => string[];
  /** Is this store member answering again (after a restart or resume)? */
  storeMemberBack: (name: string) => Promise<boolean>;
  /** Does the service instance at this address answer its health check (SERVING)? */
  instanceServing: (address: string) => Promise<boolean>;
  random: () => number;
  faultEveryMs: number;
  log: (line: string) => void;
}

/**
 * Injects faults through the fleet's control API, one at a time at random intervals, each healed
 * after its hold time (a killed instance is restarted, a paused one resumed). An instance counts
 * as impaired from the fault until it is back (running, or answering for a store member), and the
 * plan never impairs more than a group can spare.
 */
export class FaultInjector {
  readonly counts: Record<FaultKind, number> = { kill: 0, pause: 0, restart: 0 };
  readonly byGroup: Record<string, number> = {};
  readonly problems: string[] = [];
  private readonly impaired = new Set<string>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly o: InjectorOptions) {}

  /** Injects faults until `signal` aborts; then waits for every fault in progress to heal. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(between(this.o.random, this.o.faultEveryMs / 2, (this.o.faultEveryMs * 3) / 2), signal);
      if (signal.aborted) break;
      let state: RunState;
      try {
        state = await this.o.control.state();
      } catch (error) {
        this.problems.push(`reading the fleet state: ${(error as Error).message}`);
        continue;
      }
      const fault = planFault(this.groups(state), this.o.random);
      if (!fault) continue;
      this.impaired.add(fault.instance);
      const task = this.inject(fault).finally(() => {
        this.impaired.delete(fault.instance);
        this.running.delete(task);
      });
      this.running.add(task);
    }
    await Promise.all([...this.running]);
  }

  private groups(state: RunState): TargetGroup[] {
    const targets = new Set(this.o.targets(state));
    const groups: TargetGroup[] = [];
    if (targets.has('store'))
      groups.push({
        name: 'store',
        quorum: true,
        instances: state.store.map((m) => ({
          id: m.name,
          up: !this.impaired.has(m.name) && (m.state === undefined || m.state === 'running'),
        })),
      });
    for (const [name, instances] of Object.entries(state.services)) {
      if (!targets.has(name)) continue;
      groups.push({
        name,
        quorum: false,
        instances: instances.map((i) => ({
          id: i.instanceId,
          up: !this.impaired.has(i.instanceId) && i.state === 'running',
        })),
      });
    }
    return groups;
  }

  private async inject(fault: PlannedFault): Promise<void> {
    const { control, log } = this.o;
    const what = `${fault.kind} ${fault.instance}${fault.holdMs ? ` for ${(fault.holdMs / 1000).toFixed(1)} s` : ''}`;
    try {
      log(`chaos: ${what}`);
      await control.act(fault.instance, fault.kind);
      this.counts[fault.kind] += 1;
      this.byGroup[fault.group] = (this.byGroup[fault.group] ?? 0) + 1;
      if (fault.kind === 'kill') {
        await sleep(fault.holdMs);
        await control.act(fault.instance, 'restart');
      } else if (fault.kind === 'pause') {
        await sleep(fault.holdMs);
        await control.act(fault.instance, 'resume');
      }
      await this.back(fault);
      log(`chaos: ${fault.instance} is back`);
    } catch (error) {
      this.problems.push(`${what}: ${(error as Error).message}`);
      log(`chaos: ${what} failed: ${(error as Error).message}`);
    }
  }

  /** Waits until the instance runs again and answers (its health check; a store member, its status). */
  private async back(fault: PlannedFault): Promise<void> {
    const deadline = Date.now() + HEAL_TIMEOUT_MS;
    for (;;) {
      if (fault.group === 'store') {
        const state = await this.o.control.state();
        const member = state.store.find((m) => m.name === fault.instance);
        if (
          (member?.state === undefined || member.state === 'running') &&
          (await this.o.storeMemberBack(fault.instance))
        )
          return;
      } else {
        const state = await this.o.control.state();
        const instance = state.services[fault.group]?.find((i) => i.instanceId === fault.instance);
        if (instance?.state === 'running' && (await this.o.instanceServing(instance.address))) return;
      }
      if (Date.now() > deadline)
        throw new Error(
          `${fault.instance} was not running again ${HEAL_TIMEOUT_MS / 1000} s after the fault`,
        );
      await sleep(200);
    }
  }
}
