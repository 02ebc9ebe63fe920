import { MvccStore } from './mvcc-store.js';
import { b, plain, plainEvent, prng } from './test-support/fixtures.js';

function busyStore(): MvccStore {
  const store = new MvccStore();
  const random = prng(7);
  store.leaseGrant(11, 30);
  store.leaseGrant(0, 45);
  for (let i = 0; i < 400; i++) {
    const key = `key/${Math.floor(random() * 40)}${i % 7 === 0 ? '\xff\x00' : ''}`;
    if (random() < 0.2) store.deleteRange({ key: b(key) });
    else
      store.put({
        key: b(key),
        value: Buffer.alloc(Math.floor(random() * 300), i),
        lease: random() < 0.1 ? 11 : 0,
      });
    if (i === 250) store.compact(store.revision - 50);
  }
  return store;
}

/** What can be observed: reads across the readable revisions, all events since the compaction, leases. */
function observe(store: MvccStore) {
  const all = { key: b('\0'), rangeEnd: b('\0') };
  const reads = [];
  for (let revision = store.compactRevision; revision <= store.revision; revision += 9) {
    reads.push(store.range({ ...all, revision }).kvs.map(plain));
  }
  reads.push(store.range(all).kvs.map(plain));
  return {
    revision: store.revision,
    compactRevision: store.compactRevision,
    reads,
    events: store.eventsSince(store.compactRevision, all.key, all.rangeEnd).map(plainEvent),
    leases: store
      .leases()
      .map((lease) => ({ id: lease.id, ttl: lease.ttl, keys: store.leaseKeys(lease.id).map(String) })),
  };
}

describe('snapshot', () => {
  it('round-trips the whole state', () => {
    const store = busyStore();
    const restored = MvccStore.fromSnapshot(store.snapshot());
    expect(observe(restored)).toEqual(observe(store));
    // The lease ID generator carries on where it was, on every replica alike.
    expect(restored.leaseGrant(0, 10).ID).toBe(store.leaseGrant(0, 10).ID);
    // So do writes.
    const next = (s: MvccStore) => s.put({ key: b('key/1'), value: b('after'), prevKv: true }).response;
    expect(next(restored)).toEqual(next(store));
  });

  it('encodes in steps, after a prefix, the same bytes as in one go', () => {
    const store = new MvccStore();
    // More rows than one step takes, so that the values are copied in several steps.
    for (let i = 0; i < 300_000; i++) store.put({ key: b(`k/${i % 1000}`), value: b(`v${i}`) });
    const prefix = Buffer.from('frame');
    const steps = store.snapshotInSteps(prefix);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    const bytes = Buffer.from(step.value);
    expect(bytes.subarray(0, prefix.length).equals(prefix)).toBe(true);
    expect(bytes.subarray(prefix.length).equals(Buffer.from(store.snapshot()))).toBe(true);
    expect(pauses).toBeGreaterThan(6); // setup, four columns, the other columns, values in 3 steps
  });

  it('encodes equal states as equal bytes', () => {
    const store = busyStore();
    const bytes = store.snapshot();
    const again = MvccStore.fromSnapshot(bytes).snapshot();
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('restores over an existing state', () => {
    const store = new MvccStore();
    store.put({ key: b('stale'), value: b('x') });
    store.restore(busyStore().snapshot());
    expect(store.range({ key: b('stale') }).count).toBe(0);
    expect(observe(store)).toEqual(observe(busyStore()));
  });

  it('round-trips an empty store', () => {
    const restored = MvccStore.fromSnapshot(new MvccStore().snapshot());
    expect(restored.revision).toBe(1);
    expect(restored.compactRevision).toBe(-1);
    expect(restored.put({ key: b('a'), value: b('1') }).response.header.revision).toBe(2);
  });

  it.each([
    ['bad magic', (bytes: Buffer) => Buffer.concat([Buffer.from('XX'), bytes.subarray(2)]), /bad magic/],
    [
      'a newer format',
      (bytes: Buffer) => Buffer.concat([bytes.subarray(0, 6), Buffer.from([9, 0]), bytes.subarray(8)]),
      /format version 9/,
    ],
    ['truncation', (bytes: Buffer) => bytes.subarray(0, bytes.length - 1), /truncated|out of range/i],
    ['trailing bytes', (bytes: Buffer) => Buffer.concat([bytes, Buffer.from([0])]), /trailing/],
  ])('rejects %s', (_name, corrupt, message) => {
    const bytes = Buffer.from(busyStore().snapshot());
    expect(() => MvccStore.fromSnapshot(corrupt(bytes))).toThrow(message);
  });
});
