import { CompactedError, EmptyKeyError, FutureRevisionError } from './errors.js';
import { b, kv, plain, storeWith, thrown, type Kv } from './test-support/fixtures.js';
import { SortOrder, SortTarget, type RangeRequest } from './types.js';

// Revisions 2..8: a has versions 1-3, c two, b and d one. Every expectation below was first recorded
// from etcd 3.4.23 answering the same requests over gRPC.
const WRITES: Array<[string, string]> = [
  ['a', '1'],
  ['a', '2'],
  ['a', '3'],
  ['b', 'x'],
  ['c', '1'],
  ['c', '2'],
  ['d', 'z'],
];
const A = kv('a', '3', 2, 4, 3);
const B = kv('b', 'x', 5, 5, 1);
const C = kv('c', '2', 6, 7, 2);
const D = kv('d', 'z', 8, 8, 1);
const keysOnly = (k: Kv): Kv => ({ ...k, value: '' });

const { Ascend, Descend, None } = SortOrder;
const { Key, Version, Value, Create, Mod } = SortTarget;

interface RangeCase {
  name: string;
  request: Omit<RangeRequest, 'key' | 'rangeEnd'> & { key: string; rangeEnd?: string };
  kvs: Kv[];
  more?: boolean;
  count: number;
}

const cases: RangeCase[] = [
  { name: 'one key', request: { key: 'a' }, kvs: [A], count: 1 },
  { name: 'missing key', request: { key: 'zz' }, kvs: [], count: 0 },
  { name: 'range [a, c)', request: { key: 'a', rangeEnd: 'c' }, kvs: [A, B], count: 2 },
  {
    name: 'from c to the end',
    request: { key: 'c', rangeEnd: '\0', keysOnly: true },
    kvs: [C, D].map(keysOnly),
    count: 2,
  },
  { name: 'every key', request: { key: '\0', rangeEnd: '\0', countOnly: true }, kvs: [], count: 4 },
  { name: 'range_end before key', request: { key: 'c', rangeEnd: 'b' }, kvs: [], count: 0 },
  {
    name: 'limit',
    request: { key: 'a', rangeEnd: 'z', keysOnly: true, limit: 1 },
    kvs: [keysOnly(A)],
    more: true,
    count: 4,
  },
  { name: 'limit = count', request: { key: 'a', rangeEnd: 'z', limit: 4 }, kvs: [A, B, C, D], count: 4 },
  {
    name: 'negative limit is none',
    request: { key: 'a', rangeEnd: 'z', limit: -1 },
    kvs: [A, B, C, D],
    count: 4,
  },
  {
    name: 'count_only ignores limit',
    request: { key: 'a', rangeEnd: 'z', countOnly: true, limit: 1 },
    kvs: [],
    count: 4,
  },
  {
    name: 'sort target without order: ascending, but after fetching limit+1 in key order',
    request: { key: 'a', rangeEnd: 'z', sortTarget: Version, sortOrder: None, limit: 2 },
    kvs: [B, C],
    more: true,
    count: 4,
  },
  {
    name: 'sort with an order: sorts everything, then limits',
    request: { key: 'a', rangeEnd: 'z', sortTarget: Version, sortOrder: Ascend, limit: 2 },
    kvs: [B, D],
    more: true,
    count: 4,
  },
  {
    name: 'sort version descending',
    request: { key: 'a', rangeEnd: 'z', sortTarget: Version, sortOrder: Descend, limit: 2 },
    kvs: [A, C],
    more: true,
    count: 4,
  },
  {
    name: 'sort key descending',
    request: { key: 'a', rangeEnd: 'z', sortTarget: Key, sortOrder: Descend, limit: 3, keysOnly: true },
    kvs: [D, C, B].map(keysOnly),
    more: true,
    count: 4,
  },
  {
    name: 'sort by value (then values dropped by keys_only)',
    request: { key: 'a', rangeEnd: 'z', sortTarget: Value, sortOrder: Ascend, keysOnly: true },
    kvs: [C, A, B, D].map(keysOnly),
    count: 4,
  },
  {
    name: 'sort create descending',
    request: { key: 'a', rangeEnd: 'z', sortTarget: Create, sortOrder: Descend },
    kvs: [D, C, B, A],
    count: 4,
  },
  {
    name: 'sort mod ascending',
    request: { key: 'a', rangeEnd: 'z', sortTarget: Mod, sortOrder: Ascend },
    kvs: [A, B, C, D],
    count: 4,
  },
  {
    name: 'min_mod_revision filters kvs, not count',
    request: { key: 'a', rangeEnd: 'z', minModRevision: 6, keysOnly: true },
    kvs: [C, D].map(keysOnly),
    count: 4,
  },
  {
    name: 'a filter fetches everything before limiting',
    request: { key: 'a', rangeEnd: 'z', minModRevision: 5, keysOnly: true, limit: 1 },
    kvs: [keysOnly(B)],
    more: true,
    count: 4,
  },
  {
    name: 'max_mod_revision',
    request: { key: 'a', rangeEnd: 'z', maxModRevision: 5 },
    kvs: [A, B],
    count: 4,
  },
  {
    name: 'min_create_revision',
    request: { key: 'a', rangeEnd: 'z', minCreateRevision: 6 },
    kvs: [C, D],
    count: 4,
  },
  {
    name: 'max_create_revision',
    request: { key: 'a', rangeEnd: 'z', maxCreateRevision: 5 },
    kvs: [A, B],
    count: 4,
  },
  { name: 'historical revision', request: { key: 'a', revision: 3 }, kvs: [kv('a', '2', 2, 3, 2)], count: 1 },
  {
    name: 'historical range',
    request: { key: 'a', rangeEnd: 'z', revision: 6 },
    kvs: [A, B, kv('c', '1', 6, 6, 1)],
    count: 3,
  },
  { name: 'before the first write', request: { key: 'a', rangeEnd: 'z', revision: 1 }, kvs: [], count: 0 },
];

describe('Range', () => {
  const store = storeWith(WRITES);

  it.each(cases)('$name', ({ request, kvs, more = false, count }) => {
    const response = store.range({
      ...request,
      key: b(request.key),
      rangeEnd: request.rangeEnd === undefined ? undefined : b(request.rangeEnd),
    });
    expect({ kvs: response.kvs.map(plain), more: response.more, count: response.count }).toEqual({
      kvs,
      more,
      count,
    });
    // The header always carries the current revision, also for historical reads.
    expect(response.header.revision).toBe(8);
  });

  it('sorts equal targets in key order (stable)', () => {
    const s = storeWith([
      ['x3', 'same'],
      ['x1', 'same'],
      ['x2', 'same'],
    ]);
    const response = s.range({
      key: b('x'),
      rangeEnd: b('y'),
      sortTarget: Value,
      sortOrder: Descend,
      keysOnly: true,
    });
    expect(response.kvs.map((k) => k.key.toString())).toEqual(['x1', 'x2', 'x3']);
  });

  it('compares keys as bytes', () => {
    const s = storeWith([
      ['a\xff', '1'],
      ['a\x00', '2'],
      ['a', '3'],
      ['b', '4'],
    ]);
    const response = s.range({ key: b('a'), rangeEnd: b('b'), keysOnly: true });
    expect(response.kvs.map((k) => k.key.toString('latin1'))).toEqual(['a', 'a\x00', 'a\xff']);
  });

  it('hides deleted keys but reads them at earlier revisions', () => {
    const s = storeWith([
      ['k', 'v1'],
      ['k', null],
      ['k', 'v2'],
    ]);
    expect(s.range({ key: b('k') }).kvs.map(plain)).toEqual([kv('k', 'v2', 4, 4, 1)]);
    expect(s.range({ key: b('k'), revision: 3 }).kvs).toEqual([]);
    expect(s.range({ key: b('k'), revision: 2 }).kvs.map(plain)).toEqual([kv('k', 'v1', 2, 2, 1)]);
  });

  it.each([
    ['empty key', { key: b('') }, EmptyKeyError],
    ['future revision', { key: b('a'), revision: 9 }, FutureRevisionError],
  ])('rejects %s', (_name, request, error) => {
    expect(thrown(() => store.range(request))).toBeInstanceOf(error);
  });

  it('reads at the compaction point but not below it', () => {
    const s = storeWith(WRITES);
    s.compact(5);
    expect(s.range({ key: b('a'), revision: 5 }).kvs.map(plain)).toEqual([A]);
    const error = thrown(() => s.range({ key: b('a'), revision: 4 }));
    expect(error).toBeInstanceOf(CompactedError);
    expect(error?.message).toBe('etcdserver: mvcc: required revision has been compacted');
  });
});
