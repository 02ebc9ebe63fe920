import type { AppliedHistory } from './applied-history.js';
import { commandItem } from './recording-state-machine.js';

export type ProposalOutcome = 'pending' | 'applied' | 'dropped' | 'failed' | 'lost';

interface Proposal {
  readonly command: string;
  readonly server: number;
  outcome: ProposalOutcome;
  index: number;
}

export interface LedgerSummary {
  readonly proposed: number;
  readonly applied: number;
  readonly dropped: number;
  readonly lost: number;
  /** Other rejections by error name (NotLeaderError, ProposalTimeoutError, ...). */
  readonly failed: Readonly<Record<string, number>>;
  /** Timed out although the server it was proposed on had applied it: it could have answered. */
  readonly timedOutWhenApplied: number;
}

/**
 * Client-side record of every proposal and what RaftServer answered. A proposal resolved as applied
 * must sit at the index it reported, in the applied history and, at the end, in every caught-up
 * server's state; one rejected with ProposalDroppedError must never be applied anywhere.
 */
export class ProposalLedger {
  private readonly byCommand = new Map<string, Proposal>();
  /** Applied proposals in the order their promises resolved (for read checks). */
  private readonly resolved: Proposal[] = [];
  private readonly failures = new Map<string, number>();
  private timedOutWhenApplied = 0;

  constructor(
    private readonly history: AppliedHistory,
    private readonly fail: (message: string) => void,
  ) {}

  get resolvedCount(): number {
    return this.resolved.length;
  }

  issued(command: string, server: number): void {
    this.byCommand.set(command, { command, server, outcome: 'pending', index: 0 });
  }

  /**
   * `value`: what propose() resolved with (the recorder answers with the index; undefined when an
   * application answers instead); `applied`: the server's state. Returns the index it was applied at (0: unknown).
   */
  applied(command: string, value: unknown, applied: ReadonlyMap<number, string>): number {
    const p = this.byCommand.get(command);
    if (!p) return 0;
    const item = commandItem(command);
    const index = typeof value === 'number' ? value : this.history.indexOfItem(item);
    p.outcome = 'applied';
    p.index = index ?? 0;
    if (index === undefined) {
      this.fail(`proposal ${command} resolved as applied (value ${String(value)}) but no server applied it`);
    } else if (this.history.itemAt(index) !== item) {
      this.fail(
        `proposal ${command} resolved as applied at index ${index}, which holds ${this.history.itemAt(index) ?? 'nothing'}`,
      );
    } else if (applied.get(index) !== item) {
      this.fail(
        `proposal ${command} resolved on server ${p.server} before that server applied index ${index}`,
      );
    }
    this.resolved.push(p);
    return p.index;
  }

  /** `applied`: the proposing server's state when the rejection arrived. */
  rejected(command: string, error: unknown, applied: ReadonlyMap<number, string>): void {
    const p = this.byCommand.get(command);
    if (!p) return;
    const name = error instanceof Error ? error.name : typeof error;
    if (name === 'ProposalTimeoutError') {
      const at = this.history.indexOfItem(commandItem(command));
      if (at !== undefined && applied.get(at) === commandItem(command)) this.timedOutWhenApplied++;
    }
    if (name === 'ProposalDroppedError') {
      p.outcome = 'dropped';
      const at = this.history.indexOfItem(commandItem(command));
      if (at !== undefined) this.fail(`proposal ${command} rejected as dropped but applied at index ${at}`);
      return;
    }
    p.outcome = 'failed';
    this.failures.set(name, (this.failures.get(name) ?? 0) + 1);
  }

  /** The server crashed while the proposal waited: its outcome is unknown. */
  lost(command: string): void {
    const p = this.byCommand.get(command);
    if (p?.outcome === 'pending') p.outcome = 'lost';
  }

  /** Called for every applied item: a dropped proposal must never be applied. */
  onApplied(item: string, index: number): void {
    if (!item.startsWith('c:')) return;
    const p = this.byCommand.get(item.slice(2));
    if (p?.outcome === 'dropped')
      this.fail(`proposal ${p.command} was rejected as dropped but applied at index ${index}`);
  }

  /** A linearizable read on `server` that started after `count` proposals had resolved must see all of them. */
  checkRead(server: number, count: number, applied: ReadonlyMap<number, string>): void {
    for (let k = 0; k < count; k++) {
      const p = this.resolved[k];
      if (applied.get(p.index) !== commandItem(p.command)) {
        this.fail(
          `linearizability: a read on server ${server} misses ${p.command} (index ${p.index}), applied before the read began`,
        );
        return;
      }
    }
  }

  /** Final check of one live, caught-up server's applied state. */
  verifyFinal(server: number, applied: ReadonlyMap<number, string>): void {
    const items = new Set(applied.values());
    for (const p of this.byCommand.values()) {
      const item = commandItem(p.command);
      if (p.outcome === 'applied' && applied.get(p.index) !== item) {
        this.fail(
          `proposal ${p.command} resolved as applied at index ${p.index}, but server ${server} has ${applied.get(p.index) ?? 'nothing'} there`,
        );
        return;
      }
      if (p.outcome === 'dropped' && items.has(item)) {
        this.fail(`proposal ${p.command} rejected as dropped, but server ${server} applied it`);
        return;
      }
    }
  }

  summary(): LedgerSummary {
    let applied = 0;
    let dropped = 0;
    let lost = 0;
    for (const p of this.byCommand.values()) {
      if (p.outcome === 'applied') applied++;
      else if (p.outcome === 'dropped') dropped++;
      else if (p.outcome === 'lost') lost++;
    }
    return {
      proposed: this.byCommand.size,
      applied,
      dropped,
      lost,
      timedOutWhenApplied: this.timedOutWhenApplied,
      failed: Object.fromEntries([...this.failures].sort(([a], [b]) => (a < b ? -1 : 1))),
    };
  }
}
