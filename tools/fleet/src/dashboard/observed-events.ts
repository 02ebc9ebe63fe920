import type { FleetEvent } from './model.js';
import type { StoreView } from './sources/store-status.js';

/** What the dashboard compares between polls to notice events nobody reports to it. */
export interface Observed {
  leader?: string;
  term?: number;
  /** `<service> <address>` -> breaker state. */
  breakers: Map<string, { state: string; instanceId?: string }>;
}

/** What observe() needs of the gateway: its view (dashboard) and its raw stats (chaos) both fit. */
export interface BreakerSource {
  clients: { service: string; endpoints: { address: string; breaker: string; instanceId?: string }[] }[];
}

/** `previous` carries the last known leader through polls in which none answers as leader. */
export function observe(store: StoreView, gateway: BreakerSource | undefined, previous?: Observed): Observed {
  // Without gateway stats this time, keep the breakers last seen: a missed poll is no transition.
  if (!gateway) return { ...leaderOf(store, previous), breakers: previous?.breakers ?? new Map() };
  const breakers = new Map<string, { state: string; instanceId?: string }>();
  for (const client of gateway.clients)
    for (const e of client.endpoints)
      breakers.set(`${client.service} ${e.address}`, {
        state: e.breaker,
        ...(e.instanceId ? { instanceId: e.instanceId } : {}),
      });
  return { ...leaderOf(store, previous), breakers };
}

function leaderOf(store: StoreView, previous: Observed | undefined): { leader?: string; term?: number } {
  const leader = store.leader ?? previous?.leader;
  const term = store.leader ? store.term : previous?.term;
  return { ...(leader ? { leader } : {}), ...(term !== undefined ? { term } : {}) };
}

/**
 * Leader changes and breaker transitions between two observations. A leader that merely stops
 * answering is not a change (see observe): the event comes when a member leads in a new term. A breaker seen for the first time is not a transition either.
 */
export function changes(before: Observed | undefined, after: Observed, at: number): FleetEvent[] {
  if (!before) return [];
  const events: FleetEvent[] = [];
  // The first leader seen is no change: the store had one before the dashboard looked.
  if (before.leader && after.leader && (after.leader !== before.leader || after.term !== before.term)) {
    events.push({
      at,
      kind: 'leader-change',
      service: 'store',
      instance: after.leader,
      detail:
        after.leader === before.leader
          ? `store leader ${after.leader} again, in term ${after.term ?? '?'}`
          : `store leader ${before.leader} -> ${after.leader} (term ${after.term ?? '?'})`,
    });
  }
  for (const [key, now] of after.breakers) {
    const was = before.breakers.get(key);
    if (!was || was.state === now.state) continue;
    const [service, address] = key.split(' ');
    events.push({
      at,
      kind: 'breaker',
      service,
      ...(now.instanceId ? { instance: now.instanceId } : {}),
      detail: `${service} at ${address}: breaker ${was.state} -> ${now.state}`,
    });
  }
  return events;
}
