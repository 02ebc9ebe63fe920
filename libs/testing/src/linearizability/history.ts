/**
 * One client operation as observed from outside: when it was called, when it returned and what it
 * returned. An operation whose outcome is unknown (a time-out, a dropped connection) has
 * `returnedAt: Infinity`: it may have taken effect at any point after its call, or not at all.
 */
export interface Operation<Input, Output> {
  readonly clientId: number;
  /** Partition key: operations on different keys are checked independently. */
  readonly key: string;
  readonly input: Input;
  /** Undefined when the outcome is unknown. */
  readonly output: Output | undefined;
  readonly calledAt: number;
  readonly returnedAt: number;
}

/** A sequential specification: `step` is the effect of one operation on the state. */
export interface Model<State, Input, Output> {
  init(): State;
  /**
   * Applies `input` in `state`. Returns `{ state }` with the new state if the operation could have
   * returned `output` there (`output` undefined: any outcome allowed), else null.
   */
  step(state: State, input: Input, output: Output | undefined): { readonly state: State } | null;
  /** A string identifying the state, for the search's memo table. */
  key(state: State): string;
  describe?(input: Input, output: Output | undefined): string;
}
