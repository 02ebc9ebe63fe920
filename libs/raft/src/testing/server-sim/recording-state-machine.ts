import type { MembershipConfig } from '../../core/types.js';
import type { AppliedConfigChange, StateMachine } from '../../interfaces/state-machine.js';
import type { SnapshotContent, SnapshotRegistry } from './snapshot-registry.js';

const decoder = new TextDecoder();

export function commandItem(command: string): string {
  return `c:${command}`;
}

function configItem(change: AppliedConfigChange): string {
  return change.type === 'bootstrap' ? 'm:bootstrap' : `m:${change.type}:${change.id}`;
}

/** Delays, in virtual ms, of the state machine's operations; 0 answers synchronously. */
export interface StateMachineTiming {
  applyMs(): number;
  snapshotMs(): number;
  restoreMs(): number;
}

export interface StateMachineObserver {
  /** `previous`: the index applied before this one in this incarnation (0 after a fresh start). */
  onApply(sm: RecordingStateMachine, index: number, item: string, previous: number): void;
  /** `snapshot`: the registry id of the restored snapshot. */
  onRestore(sm: RecordingStateMachine, snapshot: number): void;
  fail(message: string): void;
}

/**
 * The replicated application of one server incarnation: records every applied item by index and
 * answers `apply` with the index, so a proposer learns where its command landed. Operations may
 * take seeded virtual time, so that applying runs beside the runtime's Ready loop. The runtime must
 * call it one operation at a time, in log order, each index once. With an `application`, that runs
 * too, on the same calls, and its answers are the ones `apply` gives.
 */
export class RecordingStateMachine implements StateMachine<unknown> {
  readonly state = new Map<number, string>();
  /** Highest index applied or restored. */
  lastIndex = 0;
  private busy: string | null = null;

  constructor(
    readonly server: number,
    readonly incarnation: number,
    /** Schedules on virtual time; silent once this incarnation crashed. */
    private readonly later: (ms: number, fn: () => void) => void,
    private readonly timing: StateMachineTiming,
    private readonly observer: StateMachineObserver,
    private readonly snapshots: SnapshotRegistry,
    readonly application?: StateMachine<unknown>,
  ) {}

  apply(command: Uint8Array, index: number): unknown {
    return this.record('apply', index, commandItem(decoder.decode(command)), this.timing.applyMs(), () =>
      this.application ? this.application.apply(command, index) : index,
    );
  }

  /** The membership after the change is not recorded (the core checks membership), only passed on. */
  applyConfigChange(
    change: AppliedConfigChange,
    index: number,
    membership: MembershipConfig,
  ): void | Promise<void> {
    return this.record<void>('applyConfigChange', index, configItem(change), this.timing.applyMs(), () =>
      this.application?.applyConfigChange?.(change, index, membership),
    );
  }

  snapshot(): Uint8Array | Promise<Uint8Array> {
    this.enter('snapshot');
    // The state at call time: "every command applied so far".
    const content = { last: this.lastIndex, items: new Map(this.state) };
    const application = this.application?.snapshot();
    if (application instanceof Promise) {
      this.busy = 'snapshot';
      return application.then((bytes) => {
        this.busy = null;
        const data = this.snapshots.encode({ ...content, application: bytes });
        return this.finish('snapshot', this.timing.snapshotMs(), data);
      });
    }
    const data = this.snapshots.encode(application ? { ...content, application } : content);
    return this.finish('snapshot', this.timing.snapshotMs(), data);
  }

  restore(snapshot: Uint8Array): void | Promise<void> {
    this.enter('restore');
    let content: SnapshotContent;
    let id: number;
    try {
      ({ id, content } = this.snapshots.decode(snapshot));
    } catch (e) {
      this.observer.fail(`server ${this.server}: restore got undecodable snapshot data: ${String(e)}`);
      return;
    }
    if (content.last < this.lastIndex) {
      this.observer.fail(
        `server ${this.server}: restore moved the state machine back from index ${this.lastIndex} to ${content.last}`,
      );
    }
    this.state.clear();
    for (const [i, item] of content.items) this.state.set(i, item);
    this.lastIndex = content.last;
    this.observer.onRestore(this, id);
    if (!this.application) return this.finish('restore', this.timing.restoreMs(), undefined);
    if (!content.application) {
      this.observer.fail(`server ${this.server}: snapshot ${id} holds no application state to restore`);
      return;
    }
    const restored = this.application.restore(content.application);
    const ms = this.timing.restoreMs();
    return restored instanceof Promise
      ? restored.then(() => this.finish('restore', ms, undefined))
      : this.finish('restore', ms, undefined);
  }

  private record<T>(
    op: string,
    index: number,
    item: string,
    ms: number,
    run: () => T | Promise<T>,
  ): T | Promise<T> {
    this.enter(`${op}(${index})`);
    const previous = this.lastIndex;
    if (index <= previous) {
      this.observer.fail(
        `state machine: server ${this.server} ${op}(${index}) after index ${previous} (out of order or applied twice)`,
      );
    }
    this.state.set(index, item);
    this.lastIndex = Math.max(this.lastIndex, index);
    this.observer.onApply(this, index, item, previous);
    return this.finish(`${op}(${index})`, ms, run());
  }

  private enter(op: string): void {
    if (this.busy !== null)
      this.observer.fail(
        `state machine: server ${this.server} ${op} called while ${this.busy} is in progress`,
      );
  }

  private finish<T>(op: string, ms: number, value: T | Promise<T>): T | Promise<T> {
    if (ms <= 0) return value;
    this.busy = op;
    return new Promise<T>((resolve) =>
      this.later(ms, () => {
        this.busy = null;
        resolve(value);
      }),
    );
  }
}
