import { MvccStore } from '../mvcc/mvcc-store.js';
import type { Event } from '../mvcc/types.js';
import { WatchHub, type WatchSpec } from './watch-hub.js';

const b = (s: string): Buffer => Buffer.from(s);

describe('WatchHub', () => {
  function setup() {
    const store = new MvccStore();
    const hub = new WatchHub(() => store);
    const put = (key: string, value: string): void => {
      const { response, events } = store.put({ key: b(key), value: b(value) });
      hub.publish(events, response.header.revision);
    };
    const watch = (spec: Partial<WatchSpec>) => {
      const seen: string[] = [];
      const start = hub.watch(
        {
          key: b('k'),
          rangeEnd: b(''),
          startRevision: 0,
          prevKv: false,
          noPut: false,
          noDelete: false,
          ...spec,
        },
        {
          events: (events: Event[]) => seen.push(...events.map((e) => `${e.kv.value}@${e.kv.modRevision}`)),
          compacted: () => seen.push('compacted'),
        },
      );
      return { seen, start };
    };
    return { store, put, watch };
  }

  it('a watch from a past revision gets history, then live events, each once', () => {
    const { put, watch } = setup();
    put('k', '1'); // 2
    put('k', '2'); // 3
    const w = watch({ startRevision: 3 });
    put('k', '3'); // 4
    expect(w.seen).toEqual(['2@3', '3@4']);
  });

  it('a watch from a future revision skips the writes before it, as etcd does', () => {
    const { store, put, watch } = setup();
    const w = watch({ startRevision: store.revision + 2 });
    put('k', '1'); // 2: before the start
    put('k', '2'); // 3: the start
    put('k', '3'); // 4
    expect(w.seen).toEqual(['2@3', '3@4']);
  });
});
