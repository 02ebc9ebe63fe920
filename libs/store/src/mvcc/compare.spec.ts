import { b, storeWith } from './test-support/fixtures.js';
import { CompareResult, CompareTarget, type Compare } from './types.js';

const { Equal, NotEqual, Greater, Less } = CompareResult;
const { Version, Create, Mod, Value, Lease } = CompareTarget;

// a: create 2, mod 4, version 3, value "3"; b: create 5, mod 5, version 1, value "x" (lease 0).
const store = storeWith([
  ['a', '1'],
  ['a', '2'],
  ['a', '3'],
  ['b', 'x'],
]);

type Case = [
  string,
  Omit<Compare, 'key' | 'rangeEnd' | 'value'> & { key: string; rangeEnd?: string; value?: string },
  boolean,
];

const cases: Case[] = [
  ['version =', { key: 'a', target: Version, result: Equal, version: 3 }, true],
  ['version !=', { key: 'a', target: Version, result: NotEqual, version: 3 }, false],
  ['version >', { key: 'a', target: Version, result: Greater, version: 2 }, true],
  ['version <', { key: 'a', target: Version, result: Less, version: 3 }, false],
  ['create =', { key: 'a', target: Create, result: Equal, createRevision: 2 }, true],
  ['mod <', { key: 'a', target: Mod, result: Less, modRevision: 5 }, true],
  ['mod > (operand unset is 0)', { key: 'a', target: Mod, result: Greater }, true],
  ['lease = 0', { key: 'a', target: Lease, result: Equal, lease: 0 }, true],
  ['value =', { key: 'a', target: Value, result: Equal, value: '3' }, true],
  ['value > (bytes order)', { key: 'b', target: Value, result: Greater, value: 'w' }, true],
  ['value < longer', { key: 'a', target: Value, result: Less, value: '30' }, true],
  [
    'missing key: version = 0 (absence test)',
    { key: 'zz', target: Version, result: Equal, version: 0 },
    true,
  ],
  ['missing key: create = 0', { key: 'zz', target: Create, result: Equal, createRevision: 0 }, true],
  ['missing key: mod > 0', { key: 'zz', target: Mod, result: Greater, modRevision: 0 }, false],
  ['missing key: any value compare fails', { key: 'zz', target: Value, result: NotEqual, value: 'q' }, false],
  ['missing key: even value = ""', { key: 'zz', target: Value, result: Equal, value: '' }, false],
  [
    'range: every key must match (version > 0)',
    { key: 'a', rangeEnd: 'c', target: Version, result: Greater, version: 0 },
    true,
  ],
  [
    'range: one key fails (version > 1)',
    { key: 'a', rangeEnd: 'c', target: Version, result: Greater, version: 1 },
    false,
  ],
  ['range to the end', { key: 'b', rangeEnd: '\0', target: Create, result: Equal, createRevision: 5 }, true],
  [
    'empty range compares as zero',
    { key: 'c', rangeEnd: 'z', target: Version, result: Equal, version: 0 },
    true,
  ],
  ['unknown result passes', { key: 'a', target: Version, result: 99, version: 1 }, true],
  [
    'operand in the wrong field reads as 0',
    { key: 'a', target: Version, result: Equal, modRevision: 3 },
    false,
  ],
];

describe('Txn compare', () => {
  it.each(cases)('%s', (_name, compare, expected) => {
    const { response } = store.txn({
      compare: [
        {
          ...compare,
          key: b(compare.key),
          rangeEnd: compare.rangeEnd === undefined ? undefined : b(compare.rangeEnd),
          value: compare.value === undefined ? undefined : b(compare.value),
        },
      ],
    });
    expect(response.succeeded).toBe(expected);
  });

  it('is a conjunction: all compares must hold', () => {
    const compare = (version: number): Compare => ({ key: b('a'), target: Version, result: Equal, version });
    expect(store.txn({ compare: [compare(3), compare(3)] }).response.succeeded).toBe(true);
    expect(store.txn({ compare: [compare(3), compare(2)] }).response.succeeded).toBe(false);
  });
});
