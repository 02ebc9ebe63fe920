import { LeaseExistsError, LeaseNotFoundError, LeaseTtlTooLargeError } from './errors.js';
import { generatedLeaseId } from './lease-id.js';
import { MvccStore } from './mvcc-store.js';
import { b, kv, plain, plainEvent, thrown, type PlainEvent } from './test-support/fixtures.js';

describe('leases', () => {
  it.each([
    ['a TTL as asked', 7, 60, 60],
    ['the minimum TTL for a shorter one (etcd: 1 -> 2)', 7, 1, 2],
    ['the minimum TTL for 0 and negatives', 7, -5, 2],
    ['the maximum TTL', 7, 9_000_000_000, 9_000_000_000],
  ])('grant %s', (_name, id, ttl, granted) => {
    const store = new MvccStore();
    expect(store.leaseGrant(id, ttl)).toEqual({
      header: { clusterId: 0, memberId: 0, revision: 1, raftTerm: 0 },
      ID: id,
      TTL: granted,
      error: '',
    });
    expect(store.revision).toBe(1);
  });

  it.each([
    ['a TTL above the maximum', 9_000_000_001, LeaseTtlTooLargeError, 'etcdserver: too large lease TTL', 11],
    ['an ID in use', 60, LeaseExistsError, 'etcdserver: lease already exists', 9],
  ])('refuse %s', (_name, ttl, type, message, code) => {
    const store = new MvccStore();
    store.leaseGrant(7, 10);
    const error = thrown(() => store.leaseGrant(7, ttl)) as InstanceType<typeof type>;
    expect(error).toBeInstanceOf(type);
    expect({ message: error.message, code: error.code }).toEqual({ message, code });
  });

  it('generate the same IDs on every replica, below 2^53, avoiding IDs in use', () => {
    const a = new MvccStore();
    const b2 = new MvccStore();
    b2.leaseGrant(generatedLeaseId(2), 10);
    const fromA = [a.leaseGrant(0, 10).ID, a.leaseGrant(0, 10).ID];
    expect(fromA).toEqual([generatedLeaseId(1), generatedLeaseId(2)]);
    const fromB = [b2.leaseGrant(0, 10).ID, b2.leaseGrant(0, 10).ID];
    expect(fromB).toEqual([generatedLeaseId(1), generatedLeaseId(3)]);
    for (let n = 1; n < 1000; n++) {
      const id = generatedLeaseId(n);
      expect(Number.isSafeInteger(id) && id > 0).toBe(true);
    }
    expect(new Set(Array.from({ length: 1000 }, (_, n) => generatedLeaseId(n))).size).toBe(1000);
  });

  it('attach keys on put and detach them on delete or a put without the lease', () => {
    const store = new MvccStore();
    store.leaseGrant(1, 60);
    store.leaseGrant(2, 60);
    store.put({ key: b('l2'), value: b('v'), lease: 1 });
    store.put({ key: b('l1'), value: b('v'), lease: 1 });
    store.put({ key: b('l0'), value: b('v'), lease: 1 });
    store.put({ key: b('other'), value: b('v'), lease: 2 });
    expect(store.leaseKeys(1).map(String)).toEqual(['l0', 'l1', 'l2']);
    store.put({ key: b('l2'), value: b('v2') });
    store.deleteRange({ key: b('l0') });
    store.put({ key: b('other'), value: b('v'), lease: 1 });
    expect(store.leaseKeys(1).map(String)).toEqual(['l1', 'other']);
    expect(store.leaseKeys(2)).toEqual([]);
    expect(store.leases().map((lease) => lease.id)).toEqual([1, 2]);
    expect(thrown(() => store.leaseKeys(3))).toBeInstanceOf(LeaseNotFoundError);
  });

  it('revoke deletes the keys in byte order at one revision', () => {
    const store = new MvccStore();
    store.leaseGrant(9, 60);
    store.put({ key: b('b'), value: b('1'), lease: 9 }); // 2
    store.put({ key: b('a'), value: b('2'), lease: 9 }); // 3
    store.put({ key: b('keep'), value: b('3') }); // 4
    const { response, events } = store.leaseRevoke(9);
    expect(response.header.revision).toBe(5);
    expect(events.map(plainEvent)).toEqual<PlainEvent[]>([
      { type: 'DELETE', kv: kv('a', '', 0, 5, 0), prev: kv('a', '2', 3, 3, 1, 9) },
      { type: 'DELETE', kv: kv('b', '', 0, 5, 0), prev: kv('b', '1', 2, 2, 1, 9) },
    ]);
    expect(store.range({ key: b('\0'), rangeEnd: b('\0') }).kvs.map(plain)).toEqual([
      kv('keep', '3', 4, 4, 1),
    ]);
    expect(store.lease(9)).toBeUndefined();
    expect(thrown(() => store.leaseRevoke(9))).toBeInstanceOf(LeaseNotFoundError);
  });

  it('revoke of a lease without keys keeps the revision', () => {
    const store = new MvccStore();
    store.leaseGrant(9, 60);
    expect(store.leaseRevoke(9)).toEqual({
      response: { header: expect.objectContaining({ revision: 1 }) },
      events: [],
    });
  });

  it('a txn put with a lease attaches the key', () => {
    const store = new MvccStore();
    store.leaseGrant(5, 60);
    store.txn({ success: [{ requestPut: { key: b('t'), value: b('v'), lease: 5 } }] });
    expect(store.leaseKeys(5).map(String)).toEqual(['t']);
  });
});
