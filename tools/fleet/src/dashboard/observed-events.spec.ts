import { changes, observe } from './observed-events.js';
import type { StoreView } from './sources/store-status.js';

const store = (leader: string | undefined, term: number): StoreView => ({
  ...(leader ? { leader, term } : {}),
  members: [],
});
const gateway = (breaker: string) => ({
  clients: [
    { service: 'greeter', endpoints: [{ address: '127.0.0.1:5001', breaker, instanceId: 'greeter-1' }] },
  ],
});

describe('observed events', () => {
  it('reports nothing on the first look, even with a leader and open breakers', () => {
    expect(changes(undefined, observe(store('store-1', 2), gateway('open')), 1)).toEqual([]);
  });

  it('reports a new leader, carrying the old one through polls without a leader', () => {
    const first = observe(store('store-1', 2), undefined);
    const electing = observe(store(undefined, 0), undefined, first);
    expect(changes(first, electing, 2)).toEqual([]);
    const elected = observe(store('store-3', 3), undefined, electing);
    expect(changes(electing, elected, 3)).toEqual([
      {
        at: 3,
        kind: 'leader-change',
        service: 'store',
        instance: 'store-3',
        detail: 'store leader store-1 -> store-3 (term 3)',
      },
    ]);
  });

  it('reports the same leader in a new term', () => {
    const before = observe(store('store-1', 2), undefined);
    expect(changes(before, observe(store('store-1', 4), undefined, before), 5)[0]?.detail).toBe(
      'store leader store-1 again, in term 4',
    );
  });

  it('reports breaker transitions, not steady states', () => {
    const closed = observe(store('store-1', 2), gateway('closed'));
    const open = observe(store('store-1', 2), gateway('open'), closed);
    expect(changes(closed, open, 7)).toEqual([
      {
        at: 7,
        kind: 'breaker',
        service: 'greeter',
        instance: 'greeter-1',
        detail: 'greeter at 127.0.0.1:5001: breaker closed -> open',
      },
    ]);
    expect(changes(open, observe(store('store-1', 2), gateway('open'), open), 8)).toEqual([]);
  });

  it('keeps the breakers last seen through a poll without gateway stats', () => {
    const closed = observe(store('store-1', 2), gateway('closed'));
    const blind = observe(store('store-1', 2), undefined, closed);
    expect(changes(closed, blind, 2)).toEqual([]);
    expect(changes(blind, observe(store('store-1', 2), gateway('open'), blind), 3)).toHaveLength(1);
  });
});
