import { CompactedError, FutureRevisionError } from './errors.js';
import { MvccStore } from './mvcc-store.js';
import { b, kv, plain, plainEvent, prng, storeWith, thrown } from './test-support/fixtures.js';
import { ReferenceModel } from './test-support/reference-model.js';

describe('Compact', () => {
  it('keeps what reads at and after the compaction revision see', () => {
    const store = storeWith([
      ['a', '1'], // 2
      ['a', '2'], // 3
      ['b', '1'], // 4
      ['b', null], // 5
      ['c', '1'], // 6
      ['a', '3'], // 7
    ]);
    expect(store.compact(6).header.revision).toBe(7);
    expect(store.compactRevision).toBe(6);
    expect(store.range({ key: b('\0'), rangeEnd: b('\0'), revision: 6 }).kvs.map(plain)).toEqual([
      kv('a', '2', 2, 3, 2),
      kv('c', '1', 6, 6, 1),
    ]);
    expect(store.range({ key: b('a') }).kvs.map(plain)).toEqual([kv('a', '3', 2, 7, 3)]);
    // b was deleted before the compaction point: its history is gone, key and all.
    expect(store.memoryStats()).toMatchObject({ keys: 2, rows: 3 });
  });

  it.each([
    ['at the compaction point', 3, CompactedError],
    ['below it', 2, CompactedError],
    ['above the current revision', 5, FutureRevisionError],
  ])('rejects compacting %s', (_name, revision, type) => {
    const store = storeWith([
      ['a', '1'],
      ['a', '2'],
      ['a', '3'],
    ]);
    store.compact(3);
    expect(thrown(() => store.compact(revision))).toBeInstanceOf(type);
    expect(store.compactRevision).toBe(3);
  });

  it('can compact at the current revision, and keeps writing after it', () => {
    const store = storeWith([
      ['a', '1'],
      ['a', null],
    ]);
    store.compact(3);
    expect(store.memoryStats()).toMatchObject({ keys: 0, rows: 0 });
    store.put({ key: b('a'), value: b('again') });
    expect(store.range({ key: b('a') }).kvs.map(plain)).toEqual([kv('a', 'again', 4, 4, 1)]);
    expect(store.eventsSince(3, b('a')).map(plainEvent)).toEqual([
      { type: 'PUT', kv: kv('a', 'again', 4, 4, 1) },
    ]);
  });

  it('gives value memory back', () => {
    const store = new MvccStore();
    const value = Buffer.alloc(1000, 1);
    for (let i = 0; i < 5000; i++) store.put({ key: b(`k${i % 10}`), value });
    const before = store.memoryStats().valueBytes;
    store.compact(store.revision);
    const after = store.memoryStats();
    expect(before).toBeGreaterThanOrEqual(5000 * 1000);
    expect(after.valueBytes).toBeLessThanOrEqual(1 << 20);
    expect(after.rows).toBe(10);
    expect(store.range({ key: b('k0') }).kvs[0]!.value.equals(value)).toBe(true);
  });

  it('matches a reference model under random puts, deletes, compactions and restores', () => {
    const keys = ['a', 'ab', 'b', 'ba', 'c', 'd', 'e\xff', 'f', 'g', 'h'];
    for (let seed = 1; seed <= 12; seed++) {
      const random = prng(seed);
      const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
      let store = new MvccStore();
      const model = new ReferenceModel();
      for (let step = 0; step < 150; step++) {
        const roll = random();
        if (roll < 0.6) {
          const key = pick(keys);
          const value = 'v'.repeat(Math.floor(random() * 5)) + step;
          store.put({ key: b(key), value: b(value) });
          model.put(key, value);
        } else if (roll < 0.75) {
          const key = pick(keys);
          expect(store.deleteRange({ key: b(key) }).response.deleted).toBe(model.delete(key));
        } else if (roll < 0.82) {
          const [start, end] = [pick(keys), pick(keys)].sort() as [string, string];
          expect(store.deleteRange({ key: b(start), rangeEnd: b(end) }).response.deleted).toBe(
            model.delete(start, end),
          );
        } else if (roll < 0.9 && model.revision > Math.max(model.compactRevision, 1)) {
          const low = Math.max(model.compactRevision + 1, 1);
          const at = low + Math.floor(random() * (model.revision - low + 1));
          store.compact(at);
          model.compact(at);
        } else if (roll < 0.93) {
          store = MvccStore.fromSnapshot(store.snapshot());
        }
        expect(store.revision).toBe(model.revision);
        const low = Math.max(model.compactRevision, 1);
        const revision = low + Math.floor(random() * (model.revision - low + 1));
        const start = pick(keys);
        expect(store.range({ key: b(start), rangeEnd: b('\0'), revision }).kvs.map(plain)).toEqual(
          model.rangeAt(revision, start),
        );
        expect(store.eventsSince(revision, b(start), b('\0')).map(plainEvent)).toEqual(
          model.eventsSince(start, revision),
        );
      }
    }
  });
});
