import type { Entry } from '../core/types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** First byte of a harness command; distinguishes commands from the leader's empty no-op. */
const COMMAND_TAG = 0x63;

export function encodeCommand(command: string): Uint8Array {
  const body = encoder.encode(command);
  const out = new Uint8Array(body.length + 1);
  out[0] = COMMAND_TAG;
  out.set(body, 1);
  return out;
}

/** The command carried by `e`, or null for no-ops and config changes. */
export function decodeCommand(e: Entry): string | null {
  if (e.kind !== 'normal' || e.data.length === 0 || e.data[0] !== COMMAND_TAG) return null;
  return decoder.decode(e.data.subarray(1));
}

/**
 * One server's applied history: index -> command (null for non-command entries).
 * Kept across crashes, like the lab tester, so re-applied entries are checked against it.
 */
export class SimApplier {
  readonly log: (string | null)[] = [];
  lastApplied = 0;
  lastSnapshot = 0;

  encodeSnapshot(index: number): Uint8Array {
    return encoder.encode(JSON.stringify(this.log.slice(0, index + 1).map((c) => c ?? null)));
  }

  static decodeSnapshot(data: Uint8Array): (string | null)[] {
    if (data.length === 0) return [];
    const v: unknown = JSON.parse(decoder.decode(data));
    if (!Array.isArray(v)) throw new Error('sim snapshot: not an array');
    return v.map((c: unknown) => (typeof c === 'string' ? c : null));
  }
}
