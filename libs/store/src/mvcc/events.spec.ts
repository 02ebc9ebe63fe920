import { CompactedError } from './errors.js';
import { MvccStore } from './mvcc-store.js';
import { b, kv, plainEvent, thrown, type PlainEvent } from './test-support/fixtures.js';
import type { Event } from './types.js';

describe('watch events', () => {
  function history(): { store: MvccStore; live: Event[] } {
    const store = new MvccStore();
    const live: Event[] = [];
    live.push(...store.put({ key: b('foo'), value: b('1') }).events); // 2
    live.push(...store.put({ key: b('foo'), value: b('2') }).events); // 3
    live.push(...store.put({ key: b('bar'), value: b('1') }).events); // 4
    live.push(...store.deleteRange({ key: b('foo') }).events); // 5
    live.push(
      ...store.txn({
        success: [
          { requestPut: { key: b('foo'), value: b('3') } },
          { requestPut: { key: b('fop'), value: b('x') } },
        ],
      }).events,
    ); // 6
    return { store, live };
  }

  const all: PlainEvent[] = [
    { type: 'PUT', kv: kv('foo', '1', 2, 2, 1) },
    { type: 'PUT', kv: kv('foo', '2', 2, 3, 2), prev: kv('foo', '1', 2, 2, 1) },
    { type: 'PUT', kv: kv('bar', '1', 4, 4, 1) },
    { type: 'DELETE', kv: kv('foo', '', 0, 5, 0), prev: kv('foo', '2', 2, 3, 2) },
    { type: 'PUT', kv: kv('foo', '3', 6, 6, 1) },
    { type: 'PUT', kv: kv('fop', 'x', 6, 6, 1) },
  ];

  it('are returned by the writes, in revision and op order', () => {
    expect(history().live.map(plainEvent)).toEqual(all);
  });

  it('replay from the past exactly as they were delivered live', () => {
    const { store } = history();
    expect(store.eventsSince(1, b('\0'), b('\0')).map(plainEvent)).toEqual(all);
  });

  it.each<[string, number, string, string | undefined, PlainEvent[]]>([
    ['one key', 1, 'foo', undefined, [all[0]!, all[1]!, all[3]!, all[4]!]],
    ['a prefix', 4, 'fo', 'fp', [all[3]!, all[4]!, all[5]!]],
    ['from a key on', 6, 'fop', '\0', [all[5]!]],
    ['a future start', 7, 'foo', undefined, []],
  ])('select by key and start revision: %s', (_name, start, key, rangeEnd, expected) => {
    const { store } = history();
    const events = store.eventsSince(start, b(key), rangeEnd === undefined ? undefined : b(rangeEnd));
    expect(events.map(plainEvent)).toEqual(expected);
  });

  it('leave out prev_kv on request, and stop at untilRevision', () => {
    const { store } = history();
    const events = store.eventsSince(3, b('foo'), undefined, { prevKv: false, untilRevision: 5 });
    expect(events.map(plainEvent)).toEqual([
      { type: 'PUT', kv: kv('foo', '2', 2, 3, 2) },
      { type: 'DELETE', kv: kv('foo', '', 0, 5, 0) },
    ]);
  });

  it('fail below the compaction point, reporting it', () => {
    const { store } = history();
    store.compact(4);
    const error = thrown(() => store.eventsSince(3, b('foo')));
    expect(error).toBeInstanceOf(CompactedError);
    expect((error as CompactedError).compactRevision).toBe(4);
    expect(store.eventsSince(4, b('\0'), b('\0')).map(plainEvent)).toEqual([all[2], all[3], all[4], all[5]]);
  });

  it('keep their values when the caller reuses its buffers', () => {
    const store = new MvccStore();
    const scratch = b('one');
    const { events } = store.put({ key: b('k'), value: scratch });
    scratch.write('two');
    expect(events[0]!.kv.value.toString()).toBe('one');
    expect(store.range({ key: b('k') }).kvs[0]!.value.toString()).toBe('one');
  });
});
