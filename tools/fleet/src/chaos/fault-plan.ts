import { between, pick } from './random.js';

export type FaultKind = 'kill' | 'pause' | 'restart';

/** A group of interchangeable processes: a service's instances, or the store's members. */
export interface TargetGroup {
  name: string;
  /** The store keeps a majority; a service keeps at least one instance. */
  quorum: boolean;
  instances: { id: string; up: boolean }[];
}

export interface PlannedFault {
  group: string;
  instance: string;
  kind: FaultKind;
  /** kill: how long it stays down before the restart; pause: how long it stays stopped. */
  holdMs: number;
}

/** How many of a group may be down or paused at once. */
export function maxImpaired(group: TargetGroup): number {
  const n = group.instances.length;
  return group.quorum ? Math.floor((n - 1) / 2) : n - 1;
}

/**
 * Picks the next fault: a random instance that is up, from a group that can lose one more (never
 * more than a minority of the store, never every instance of a service), and what to do to it.
 * Undefined when no group can spare one. Pure: the same random sequence gives the same plan.
 */
export function planFault(groups: readonly TargetGroup[], random: () => number): PlannedFault | undefined {
  const candidates: { group: string; instance: string }[] = [];
  for (const group of groups) {
    const down = group.instances.filter((i) => !i.up).length;
    if (down + 1 > maxImpaired(group)) continue;
    for (const i of group.instances) if (i.up) candidates.push({ group: group.name, instance: i.id });
  }
  if (candidates.length === 0) return undefined;
  const victim = pick(random, candidates);
  const roll = random();
  const kind: FaultKind = roll < 0.4 ? 'kill' : roll < 0.7 ? 'pause' : 'restart';
  const holdMs =
    kind === 'kill' ? between(random, 1000, 4000) : kind === 'pause' ? between(random, 500, 2500) : 0;
  return { ...victim, kind, holdMs };
}
