import type { MembershipConfig, NodeId } from './types.js';

/** Single-server membership change. Promoting a learner is `add-voter` on an existing learner. */
export interface ConfigChange {
  readonly type: 'add-voter' | 'add-learner' | 'remove';
  readonly id: NodeId;
  /**
   * Application payload committed atomically with the change (e.g. a member's name and URLs);
   * handed to `StateMachine.applyConfigChange`.
   */
  readonly context?: Uint8Array;
}

/** The first entry of a bootstrapped cluster: the initial membership, so that joining servers learn it from the log. */
export interface BootstrapConfig {
  readonly type: 'bootstrap';
  readonly config: MembershipConfig;
}

export type ConfigEntry = ConfigChange | BootstrapConfig;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeConfigChange(c: ConfigChange): Uint8Array {
  const context = c.context && c.context.length > 0 ? Buffer.from(c.context).toString('base64') : undefined;
  return encoder.encode(JSON.stringify({ type: c.type, id: c.id, context }));
}

/** Deterministic encoding: every initial member must produce byte-identical bootstrap entries. */
export function encodeBootstrap(config: MembershipConfig): Uint8Array {
  const voters = [...new Set(config.voters)].sort();
  const learners = [...new Set(config.learners)].sort();
  return encoder.encode(JSON.stringify({ type: 'bootstrap', config: { voters, learners } }));
}

function isIdList(v: unknown): v is NodeId[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

export function decodeConfigEntry(data: Uint8Array): ConfigEntry {
  const v: unknown = JSON.parse(decoder.decode(data));
  if (typeof v === 'object' && v !== null && 'type' in v && v.type === 'bootstrap' && 'config' in v) {
    const c = v.config;
    if (
      typeof c === 'object' &&
      c !== null &&
      'voters' in c &&
      'learners' in c &&
      isIdList(c.voters) &&
      isIdList(c.learners)
    ) {
      return { type: 'bootstrap', config: { voters: c.voters, learners: c.learners } };
    }
  }
  if (typeof v === 'object' && v !== null && 'type' in v && 'id' in v) {
    const { type, id } = v;
    const context = 'context' in v ? v.context : undefined;
    if (
      (type === 'add-voter' || type === 'add-learner' || type === 'remove') &&
      typeof id === 'string' &&
      (context === undefined || typeof context === 'string')
    ) {
      return context === undefined
        ? { type, id }
        : { type, id, context: new Uint8Array(Buffer.from(context, 'base64')) };
    }
  }
  throw new Error('config change: malformed entry');
}
