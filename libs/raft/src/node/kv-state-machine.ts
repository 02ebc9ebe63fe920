import type { StateMachine } from '../interfaces/state-machine.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodePut(key: string, value: string): Uint8Array {
  return enc.encode(JSON.stringify([key, value]));
}

/** A string map; each command is a put. `apply` returns the entry's log index. */
export class KvStateMachine implements StateMachine<number> {
  private readonly data = new Map<string, string>();
  applied = 0;

  get(key: string): string | undefined {
    return this.data.get(key);
  }

  apply(command: Uint8Array, index: number): number {
    const [key, value] = JSON.parse(dec.decode(command)) as [string, string];
    this.data.set(key, value);
    this.applied = index;
    return index;
  }

  snapshot(): Uint8Array {
    return enc.encode(JSON.stringify({ applied: this.applied, data: [...this.data] }));
  }

  restore(snapshot: Uint8Array): void {
    const { applied, data } = JSON.parse(dec.decode(snapshot)) as {
      applied: number;
      data: [string, string][];
    };
    this.data.clear();
    for (const [k, v] of data) this.data.set(k, v);
    this.applied = applied;
  }
}
