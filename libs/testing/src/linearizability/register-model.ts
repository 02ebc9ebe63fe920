import type { Model } from './history.js';

/** Operations on one key: a read, a write, or a compare-and-set that reports whether it swapped. */
export type RegisterInput =
  | { readonly op: 'read' }
  | { readonly op: 'write'; readonly value: string }
  | { readonly op: 'cas'; readonly expected: string | null; readonly value: string };

/** A read returns the value (null: absent); a cas returns whether it swapped; a write returns true. */
export type RegisterOutput = string | null | boolean;

/** A single register per key, absent (null) at the start. */
export const registerModel: Model<string | null, RegisterInput, RegisterOutput> = {
  init: () => null,
  step(state, input, output) {
    switch (input.op) {
      case 'read':
        return output === undefined || output === state ? { state } : null;
      case 'write':
        return { state: input.value };
      case 'cas': {
        const swaps = state === input.expected;
        if (output === undefined) return { state: swaps ? input.value : state };
        if (output === true) return swaps ? { state: input.value } : null;
        return swaps ? null : { state };
      }
    }
  },
  key: (state) => (state === null ? '\u0000' : `=${state}`),
  describe(input, output) {
    const out = output === undefined ? '?' : JSON.stringify(output);
    if (input.op === 'read') return `read() -> ${out}`;
    if (input.op === 'write') return `write(${JSON.stringify(input.value)}) -> ${out}`;
    return `cas(${JSON.stringify(input.expected)}, ${JSON.stringify(input.value)}) -> ${out}`;
  },
};
