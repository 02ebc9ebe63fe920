import {
  CompactedError,
  DuplicateKeyError,
  EmptyKeyError,
  FutureRevisionError,
  KeyNotFoundError,
  LeaseNotFoundError,
  TooManyOpsError,
} from './errors.js';
import { MvccStore } from './mvcc-store.js';
import { b, kv, plain, plainEvent, storeWith, thrown, type PlainEvent } from './test-support/fixtures.js';
import { CompareResult, CompareTarget, type RequestOp, type TxnRequest } from './types.js';

const get = (key: string, extra: Partial<NonNullable<RequestOp['requestRange']>> = {}): RequestOp => ({
  requestRange: { key: b(key), ...extra },
});
const put = (
  key: string,
  value = 'v',
  extra: Partial<NonNullable<RequestOp['requestPut']>> = {},
): RequestOp => ({
  requestPut: { key: b(key), value: b(value), ...extra },
});
const del = (key: string, rangeEnd?: string): RequestOp => ({
  requestDeleteRange: { key: b(key), rangeEnd: rangeEnd === undefined ? undefined : b(rangeEnd) },
});
const txn = (request: TxnRequest): RequestOp => ({ requestTxn: request });
const versionIs = (key: string, version: number) => ({
  key: b(key),
  target: CompareTarget.Version,
  result: CompareResult.Equal,
  version,
});

describe('Txn', () => {
  it('reads its own writes, at the txn revision (etcd 3.4)', () => {
    const store = storeWith([
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
    ]);
    const { response, events } = store.txn({
      success: [get('a'), put('c', 'x'), get('c'), del('zz'), txn({ success: [get('a')] })],
    });
    // As etcd 3.4.23 answered: a range before the first write reads at 4, after it at 5; the no-op
    // delete reports 5; the nested txn's own header stays 0.
    expect(response.header.revision).toBe(5);
    expect(response.succeeded).toBe(true);
    const [first, putResult, afterPut, noopDelete, nested] = response.responses;
    expect(first!.responseRange!.header.revision).toBe(4);
    expect(first!.responseRange!.kvs.map(plain)).toEqual([kv('a', '3', 2, 4, 2)]);
    expect(putResult!.responsePut!.header.revision).toBe(5);
    expect(afterPut!.responseRange!.header.revision).toBe(5);
    expect(afterPut!.responseRange!.kvs.map(plain)).toEqual([kv('c', 'x', 5, 5, 1)]);
    expect(noopDelete!.responseDeleteRange).toMatchObject({ deleted: 0, header: { revision: 5 } });
    expect(nested!.responseTxn!.header.revision).toBe(0);
    expect(nested!.responseTxn!.responses[0]!.responseRange!.header.revision).toBe(5);
    expect(events.map(plainEvent)).toEqual<PlainEvent[]>([{ type: 'PUT', kv: kv('c', 'x', 5, 5, 1) }]);
  });

  it('puts several keys at one revision, with events in op order', () => {
    const store = storeWith([['b', 'old']]);
    const { response, events } = store.txn({ success: [put('z', '1'), put('b', '2'), del('b0', 'b9')] });
    expect(response.header.revision).toBe(3);
    expect(events.map(plainEvent)).toEqual<PlainEvent[]>([
      { type: 'PUT', kv: kv('z', '1', 3, 3, 1) },
      { type: 'PUT', kv: kv('b', '2', 2, 3, 2), prev: kv('b', 'old', 2, 2, 1) },
    ]);
  });

  it.each<[string, TxnRequest]>([
    ['read only', { success: [get('a')] }],
    ['a delete of nothing', { success: [del('nothing')] }],
    ['an empty txn', {}],
    ['a failed compare with writes only in success', { compare: [versionIs('a', 9)], success: [put('a')] }],
  ])('keeps the revision when it writes nothing: %s', (_name, request) => {
    const store = storeWith([['a', '1']]);
    expect(store.txn(request).response.header.revision).toBe(2);
    expect(store.revision).toBe(2);
  });

  it('takes the failure branch when any compare fails', () => {
    const store = storeWith([['a', '1']]);
    const { response } = store.txn({
      compare: [versionIs('a', 1), versionIs('missing', 1)],
      success: [put('s')],
      failure: [put('f'), get('a')],
    });
    expect(response.succeeded).toBe(false);
    expect(response.responses).toHaveLength(2);
    expect(store.range({ key: b('s') }).count).toBe(0);
    expect(store.range({ key: b('f') }).count).toBe(1);
  });

  it('evaluates nested compares against the state before the txn', () => {
    const store = new MvccStore();
    const { response } = store.txn({
      success: [put('fresh', '1'), txn({ compare: [versionIs('fresh', 0)], success: [get('fresh')] })],
    });
    // etcd 3.4.23 too: the nested compare saw "fresh" absent, yet its range reads the txn's write.
    const nested = response.responses[1]!.responseTxn!;
    expect(nested.succeeded).toBe(true);
    expect(nested.responses[0]!.responseRange!.kvs.map(plain)).toEqual([kv('fresh', '1', 2, 2, 1)]);
  });

  it('lets a delete to the end and a put of a key under it through, as etcd does', () => {
    const store = storeWith([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    const { response, events } = store.txn({ success: [del('a', '\0'), put('b', '2')] });
    expect(response.responses[0]!.responseDeleteRange!.deleted).toBe(3);
    expect(events.map((e) => `${plainEvent(e).type} ${e.kv.key}`)).toEqual([
      'DELETE a',
      'DELETE b',
      'DELETE c',
      'PUT b',
    ]);
    expect(store.range({ key: b('a'), rangeEnd: b('\0') }).kvs.map(plain)).toEqual([kv('b', '2', 5, 5, 1)]);
    // ignore_value on such a key takes the value it had before the txn instead of failing midway.
    store.put({ key: b('c'), value: b('3') });
    store.txn({ success: [del('c', '\0'), put('c', '', { value: b(''), ignoreValue: true })] });
    expect(plain(store.range({ key: b('c') }).kvs[0]!)).toEqual(kv('c', '3', 7, 7, 1));
  });

  describe('errors, before any change', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => get(`k${i}`));
    const cases: Array<[string, TxnRequest, new (...args: never[]) => Error]> = [
      ['129 ops', { success: many(129) }, TooManyOpsError],
      ['129 compares', { compare: Array.from({ length: 129 }, () => versionIs('a', 1)) }, TooManyOpsError],
      [
        'nested ops over the remaining budget',
        { success: [txn({ success: many(100) }), ...many(28)] },
        TooManyOpsError,
      ],
      ['an empty compare key', { compare: [{ key: b(''), target: 0, result: 0 }] }, EmptyKeyError],
      ['an empty op', { success: [{}] }, KeyNotFoundError],
      ['an empty op in the branch not taken', { failure: [{}] }, KeyNotFoundError],
      ['an empty key in a nested put', { success: [txn({ failure: [put('')] })] }, EmptyKeyError],
      ['a key put twice', { success: [put('a', '1'), put('a', '2')] }, DuplicateKeyError],
      ['a key put and deleted', { success: [del('a'), put('a')] }, DuplicateKeyError],
      ['a put inside a deleted range', { success: [del('a', 'c'), put('b')] }, DuplicateKeyError],
      [
        'a put in a nested txn and outside it',
        { success: [put('n'), txn({ success: [put('n')] })] },
        DuplicateKeyError,
      ],
      [
        'a nested delete and an outer put',
        { success: [put('n'), txn({ failure: [del('m', 'o')] })] },
        DuplicateKeyError,
      ],
      [
        'an outer delete and a nested put',
        { success: [del('m', 'o'), txn({ failure: [put('n')] })] },
        DuplicateKeyError,
      ],
      [
        'a key put in two nested txns',
        { success: [txn({ success: [put('n')] }), txn({ failure: [put('n')] })] },
        DuplicateKeyError,
      ],
      ['a duplicate in the failure branch', { failure: [put('x'), put('x')] }, DuplicateKeyError],
      ['a future revision in a taken range', { success: [get('a', { revision: 99 })] }, FutureRevisionError],
      ['a compacted revision in a taken range', { success: [get('a', { revision: 2 })] }, CompactedError],
      [
        'a negative revision in a taken range (etcd checks it as given)',
        { success: [get('a', { revision: -1 })] },
        CompactedError,
      ],
      [
        'ignore_value on a missing key',
        { success: [put('nokey', '', { value: b(''), ignoreValue: true })] },
        KeyNotFoundError,
      ],
      ['a missing lease', { success: [put('x', 'v', { lease: 42 })] }, LeaseNotFoundError],
      [
        'a missing lease in a taken nested txn',
        { success: [txn({ success: [put('x', 'v', { lease: 42 })] })] },
        LeaseNotFoundError,
      ],
    ];

    it.each(cases)('%s', (_name, request, type) => {
      const store = storeWith([
        ['a', '1'],
        ['a', '2'],
        ['a', '3'],
      ]);
      store.compact(3);
      expect(thrown(() => store.txn(request))).toBeInstanceOf(type);
      expect(store.revision).toBe(4);
      expect(store.range({ key: b('\0'), rangeEnd: b('\0') }).count).toBe(1);
    });

    it.each<[string, TxnRequest]>([
      [
        'a key put in both branches of a nested txn',
        { success: [txn({ success: [put('n', '1')], failure: [put('n', '2')] })] },
      ],
      ['deletes that overlap', { success: [del('a', 'c'), del('b', 'd')] }],
      ['a put and a delete in different branches', { success: [put('a')], failure: [del('a')] }],
      [
        'state checks in the branch not taken',
        {
          compare: [versionIs('a', 3)],
          failure: [put('nokey', '', { ignoreLease: true }), get('a', { revision: 99 })],
        },
      ],
      ['exactly 128 ops', { success: many(128) }],
    ])('accepts %s', (_name, request) => {
      const store = storeWith([
        ['a', '1'],
        ['a', '2'],
        ['a', '3'],
      ]);
      expect(() => store.txn(request)).not.toThrow();
    });

    it('uses the configured op limit', () => {
      const store = new MvccStore({ maxTxnOps: 2 });
      expect(thrown(() => store.txn({ success: many(3) }))).toBeInstanceOf(TooManyOpsError);
      expect(() => store.txn({ success: many(2) })).not.toThrow();
    });
  });
});
