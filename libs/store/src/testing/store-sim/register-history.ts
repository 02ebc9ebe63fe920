import type { Operation, RegisterInput, RegisterOutput } from '@flotilla/testing';

export type RegisterOperation = Operation<RegisterInput, RegisterOutput>;

/**
 * The clients' history for the linearizability check, in virtual time: operations that answered,
 * and writes whose outcome is unknown (they may take effect any time after their call, or never).
 * Calls that certainly changed nothing, and reads without an answer, are left out: they constrain
 * nothing.
 */
export class RegisterHistory {
  private readonly ops: RegisterOperation[] = [];
  private counts = { completed: 0, indeterminate: 0, failed: 0 };
  /** Why calls failed or ended unknown, by reason, for the runner's verbose report. */
  readonly reasons = new Map<string, number>();

  completed(
    clientId: number,
    key: string,
    input: RegisterInput,
    output: RegisterOutput,
    calledAt: number,
    returnedAt: number,
  ): void {
    this.counts.completed++;
    this.ops.push({ clientId, key, input, output, calledAt, returnedAt });
  }

  indeterminate(clientId: number, key: string, input: RegisterInput, calledAt: number, reason: string): void {
    this.note(`${input.op} unknown: ${reason}`);
    if (input.op === 'read') {
      this.counts.failed++;
      return;
    }
    this.counts.indeterminate++;
    this.ops.push({ clientId, key, input, output: undefined, calledAt, returnedAt: Infinity });
  }

  failed(op: RegisterInput['op'], reason: string): void {
    this.note(`${op} failed: ${reason}`);
    this.counts.failed++;
  }

  private note(reason: string): void {
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  operations(): readonly RegisterOperation[] {
    return this.ops;
  }

  summary(): { readonly completed: number; readonly indeterminate: number; readonly failed: number } {
    return { ...this.counts };
  }
}
