import type { MembershipConfig } from './types.js';

interface ConfigAt {
  readonly index: number;
  readonly config: MembershipConfig;
}

/**
 * Membership as of each applied index since the last compaction, so that a snapshot taken at
 * an index records the membership in force there, not the current one.
 */
export class ConfigHistory {
  private points: ConfigAt[];

  constructor(index: number, config: MembershipConfig) {
    this.points = [{ index, config }];
  }

  /** A config entry at `index` was applied; `config` is the membership after it. */
  record(index: number, config: MembershipConfig): void {
    this.points.push({ index, config });
  }

  /** The membership after applying every entry up to `index`. */
  at(index: number): MembershipConfig {
    let found = this.points[0].config;
    for (const p of this.points) {
      if (p.index > index) break;
      found = p.config;
    }
    return found;
  }

  /** Forgets points that no index >= `index` needs. */
  dropBefore(index: number): void {
    let keep = 0;
    while (keep + 1 < this.points.length && this.points[keep + 1].index <= index) keep++;
    if (keep > 0) this.points = this.points.slice(keep);
  }

  /** A snapshot replaced the log: history starts again at its index. */
  reset(index: number, config: MembershipConfig): void {
    this.points = [{ index, config }];
  }
}
