import {
  KeyNotFoundError,
  LeaseNotFoundError,
  LeaseProvidedError,
  ValueProvidedError,
  EmptyKeyError,
} from './errors.js';
import { MvccStore } from './mvcc-store.js';
import {
  b,
  kv,
  plain,
  plainEvent,
  storeWith,
  thrown,
  type Kv,
  type PlainEvent,
} from './test-support/fixtures.js';

/** One write and what it must leave behind, in the style of etcd's kv tests. */
type Step =
  | { put: string; value: string; lease?: number }
  | { del: string; end?: string }
  | { expect: string; is: Kv | undefined };

describe('revisions, versions and generations', () => {
  const steps: Step[] = [
    { expect: 'foo', is: undefined },
    { put: 'foo', value: 'bar' },
    { expect: 'foo', is: kv('foo', 'bar', 2, 2, 1) },
    { put: 'foo', value: 'bar2' },
    { expect: 'foo', is: kv('foo', 'bar2', 2, 3, 2) },
    { del: 'foo' },
    { expect: 'foo', is: undefined },
    // A new generation: version restarts at 1 and create_revision is the re-creation's.
    { put: 'foo', value: 'bar3' },
    { expect: 'foo', is: kv('foo', 'bar3', 5, 5, 1) },
    { put: 'foo2', value: 'x' },
    { del: 'foo', end: 'foo3' },
    { expect: 'foo', is: undefined },
    { expect: 'foo2', is: undefined },
    { put: 'foo', value: '' },
    { expect: 'foo', is: kv('foo', '', 8, 8, 1) },
  ];

  it('follows etcd step by step', () => {
    const store = new MvccStore();
    expect(store.revision).toBe(1);
    for (const step of steps) {
      if ('put' in step) store.put({ key: b(step.put), value: b(step.value), lease: step.lease });
      else if ('del' in step)
        store.deleteRange({ key: b(step.del), rangeEnd: step.end ? b(step.end) : undefined });
      else expect(store.range({ key: b(step.expect) }).kvs.map(plain)[0]).toEqual(step.is);
    }
    expect(store.revision).toBe(8);
  });
});

describe('Put', () => {
  it('returns the new revision and, on request, the previous kv', () => {
    const store = storeWith([['a', '1']]);
    const { response, events } = store.put({ key: b('a'), value: b('2'), prevKv: true });
    expect(response.header.revision).toBe(3);
    expect(plain(response.prevKv!)).toEqual(kv('a', '1', 2, 2, 1));
    expect(events.map(plainEvent)).toEqual<PlainEvent[]>([
      { type: 'PUT', kv: kv('a', '2', 2, 3, 2), prev: kv('a', '1', 2, 2, 1) },
    ]);
    expect(store.put({ key: b('new'), value: b('x'), prevKv: true }).response.prevKv).toBeUndefined();
  });

  it('keeps the value with ignore_value and the lease with ignore_lease', () => {
    const store = new MvccStore();
    const { ID } = store.leaseGrant(7, 60);
    store.put({ key: b('k'), value: b('v1'), lease: ID });
    store.put({ key: b('k'), ignoreValue: true, lease: ID });
    expect(plain(store.range({ key: b('k') }).kvs[0]!)).toEqual(kv('k', 'v1', 2, 3, 2, 7));
    store.put({ key: b('k'), value: b('v2'), ignoreLease: true });
    expect(plain(store.range({ key: b('k') }).kvs[0]!)).toEqual(kv('k', 'v2', 2, 4, 3, 7));
    // Without ignore_lease, a put without a lease detaches the key.
    store.put({ key: b('k'), value: b('v3') });
    expect(store.range({ key: b('k') }).kvs[0]!.lease).toBe(0);
    expect(store.leaseKeys(7)).toEqual([]);
  });

  it.each([
    ['empty key', { key: b('') }, EmptyKeyError, 'etcdserver: key is not provided', 3],
    [
      'ignore_value with a value',
      { key: b('a'), value: b('x'), ignoreValue: true },
      ValueProvidedError,
      'etcdserver: value is provided',
      3,
    ],
    [
      'ignore_lease with a lease',
      { key: b('a'), lease: 5, ignoreLease: true },
      LeaseProvidedError,
      'etcdserver: lease is provided',
      3,
    ],
    [
      'a lease that does not exist',
      { key: b('a'), value: b('x'), lease: 99 },
      LeaseNotFoundError,
      'etcdserver: requested lease not found',
      5,
    ],
    [
      'ignore_value on a missing key',
      { key: b('nokey'), ignoreValue: true },
      KeyNotFoundError,
      'etcdserver: key not found',
      3,
    ],
    [
      'ignore_lease on a deleted key',
      { key: b('gone'), ignoreLease: true },
      KeyNotFoundError,
      'etcdserver: key not found',
      3,
    ],
  ])('rejects %s, changing nothing', (_name, request, type, message, code) => {
    const store = storeWith([
      ['a', '1'],
      ['gone', '1'],
      ['gone', null],
    ]);
    const error = thrown(() => store.put(request)) as InstanceType<typeof type>;
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(message);
    expect(error.code).toBe(code);
    expect(store.revision).toBe(4);
  });
});

describe('DeleteRange', () => {
  it('deletes a range at one revision with prev_kvs and DELETE events', () => {
    const store = storeWith([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    const { response, events } = store.deleteRange({ key: b('a'), rangeEnd: b('c'), prevKv: true });
    expect(response.deleted).toBe(2);
    expect(response.header.revision).toBe(5);
    expect(response.prevKvs.map(plain)).toEqual([kv('a', '1', 2, 2, 1), kv('b', '2', 3, 3, 1)]);
    expect(events.map(plainEvent)).toEqual<PlainEvent[]>([
      { type: 'DELETE', kv: kv('a', '', 0, 5, 0), prev: kv('a', '1', 2, 2, 1) },
      { type: 'DELETE', kv: kv('b', '', 0, 5, 0), prev: kv('b', '2', 3, 3, 1) },
    ]);
    expect(store.range({ key: b('a'), rangeEnd: b('\0') }).kvs.map(plain)).toEqual([kv('c', '3', 4, 4, 1)]);
  });

  it('keeps the revision when nothing is deleted', () => {
    const store = storeWith([['a', '1']]);
    const { response, events } = store.deleteRange({ key: b('zz'), prevKv: true });
    expect(response).toMatchObject({ deleted: 0, prevKvs: [], header: { revision: 2 } });
    expect(events).toEqual([]);
    expect(store.revision).toBe(2);
    // Deleting a key twice: the second time there is nothing left to delete.
    store.deleteRange({ key: b('a') });
    expect(store.deleteRange({ key: b('a') }).response.deleted).toBe(0);
    expect(store.revision).toBe(3);
  });

  it('deletes from a key to the end with \\0, and every key with \\0..\\0', () => {
    const store = storeWith([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    expect(store.deleteRange({ key: b('b'), rangeEnd: b('\0') }).response.deleted).toBe(2);
    expect(store.deleteRange({ key: b('\0'), rangeEnd: b('\0') }).response.deleted).toBe(1);
  });

  it('rejects an empty key', () => {
    expect(thrown(() => new MvccStore().deleteRange({ key: b('') }))).toBeInstanceOf(EmptyKeyError);
  });
});
