import type { ConfigEntry } from '../core/config-change.js';
import type { MembershipConfig } from '../core/types.js';

/** A committed change or the bootstrap configuration. */
export type AppliedConfigChange = ConfigEntry;

/**
 * The replicated application. Commands are applied in log order, exactly once per server
 * lifetime: after a restart the server restores the latest snapshot, then re-applies later
 * committed entries, so `apply` must be deterministic and `restore` must replace all state.
 */
export interface StateMachine<Result = unknown> {
  apply(command: Uint8Array, index: number): Result | Promise<Result>;
  /**
   * A committed membership change, in log order with `apply` (the bootstrap entry arrives as
   * `{ type: 'bootstrap' }`). `membership` is the configuration after it. Optional.
   */
  applyConfigChange?(
    change: AppliedConfigChange,
    index: number,
    membership: MembershipConfig,
  ): void | Promise<void>;
  /** Serialized state covering every command applied so far. */
  snapshot(): Uint8Array | Promise<Uint8Array>;
  restore(snapshot: Uint8Array): void | Promise<void>;
}
