/** etcd's --auto-compaction-mode with --auto-compaction-retention. */
export type AutoCompaction =
  | { readonly mode: 'periodic'; readonly retentionMs: number }
  | { readonly mode: 'revision'; readonly retainRevisions: number };

export interface AutoCompactorOptions {
  readonly policy: AutoCompaction;
  now(): number;
  revision(): number;
  compactRevision(): number;
  /** Proposes a compaction through Raft. */
  compact(revision: number): Promise<unknown>;
}

/** How often the revision-mode compactor runs (etcd: every 5 minutes). */
const REVISION_MODE_EVERY_MS = 5 * 60_000;

/**
 * Leader-only automatic compaction, as etcd's: `periodic` keeps `retention` worth of history
 * (revisions are sampled every tenth of it, and the store is compacted to the revision seen one
 * retention ago); `revision` keeps the last N revisions, checked every five minutes.
 */
export class AutoCompactor {
  private timer: NodeJS.Timeout | null = null;
  private samples: { at: number; revision: number }[] = [];

  constructor(private readonly o: AutoCompactorOptions) {}

  /** The interval between runs, ms. */
  get everyMs(): number {
    return this.o.policy.mode === 'periodic'
      ? Math.max(1000, this.o.policy.retentionMs / 10)
      : REVISION_MODE_EVERY_MS;
  }

  start(): void {
    if (this.timer) return;
    this.samples = [{ at: this.o.now(), revision: this.o.revision() }];
    this.timer = setInterval(() => void this.run(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.samples = [];
  }

  /** One round: the revision to compact to, if any (exposed for tests). */
  target(): number | null {
    const p = this.o.policy;
    const now = this.o.now();
    const current = this.o.revision();
    let target: number;
    if (p.mode === 'revision') {
      target = current - p.retainRevisions;
    } else {
      this.samples.push({ at: now, revision: current });
      const old = this.samples.filter((s) => now - s.at >= p.retentionMs);
      if (old.length === 0) return null;
      target = old[old.length - 1].revision;
      this.samples = this.samples.filter((s) => now - s.at < p.retentionMs || s === old[old.length - 1]);
    }
    return target > this.o.compactRevision() && target <= current ? target : null;
  }

  private async run(): Promise<void> {
    const target = this.target();
    if (target === null) return;
    try {
      await this.o.compact(target);
    } catch {
      // Already compacted further, or leadership lost: the next round tries again.
    }
  }
}

/** Parses etcd's retention value: hours as a number ("1", "0.5") or a duration ("30m", "1h30m", "90s"). */
export function parseRetention(mode: 'periodic' | 'revision', value: string): AutoCompaction | null {
  if (value === '' || value === '0') return null;
  if (mode === 'revision') {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new Error(`auto-compaction-retention "${value}" is not a revision count`);
    return { mode, retainRevisions: n };
  }
  const hours = Number(value);
  if (Number.isFinite(hours) && hours > 0) return { mode, retentionMs: hours * 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(h|m|s|ms)/g;
  let ms = 0;
  let matched = '';
  for (const m of value.matchAll(re)) {
    const unit = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[m[2] as 'h' | 'm' | 's' | 'ms'];
    ms += Number(m[1]) * unit;
    matched += m[0];
  }
  if (matched !== value || ms <= 0)
    throw new Error(`auto-compaction-retention "${value}" is not a duration (e.g. 1h, 30m)`);
  return { mode, retentionMs: ms };
}
