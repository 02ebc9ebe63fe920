import type { NodeId } from './types.js';

/** Single-server membership change. Promoting a learner is `add-voter` on an existing learner. */
export interface ConfigChange {
  readonly type: 'add-voter' | 'add-learner' | 'remove';
  readonly id: NodeId;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeConfigChange(c: ConfigChange): Uint8Array {
  return encoder.encode(JSON.stringify({ type: c.type, id: c.id }));
}

export function decodeConfigChange(data: Uint8Array): ConfigChange {
  const v: unknown = JSON.parse(decoder.decode(data));
  if (typeof v === 'object' && v !== null && 'type' in v && 'id' in v) {
    const { type, id } = v;
    if ((type === 'add-voter' || type === 'add-learner' || type === 'remove') && typeof id === 'string') {
      return { type, id };
    }
  }
  throw new Error('config change: malformed entry');
}
