import { keyInRange, prefixRangeEnd, toKeyRange, toKeyString } from './key-range.js';
import { b } from './test-support/fixtures.js';

describe('key ranges', () => {
  it.each([
    ['no range_end: the key alone', 'a', undefined, { start: 'a', end: 'a', single: true }],
    ['empty range_end: the key alone', 'a', '', { start: 'a', end: 'a', single: true }],
    ['\\0: from the key on', 'a', '\0', { start: 'a', end: undefined, single: false }],
    ['a half-open range', 'a', 'c', { start: 'a', end: 'c', single: false }],
    ['range_end longer than \\0', 'a', '\0\0', { start: 'a', end: '\0\0', single: false }],
  ])('%s', (_name, key, rangeEnd, expected) => {
    expect(toKeyRange(b(key), rangeEnd === undefined ? undefined : b(rangeEnd))).toEqual(expected);
  });

  it.each([
    ['a', 'b'],
    ['a\xff', 'b'],
    ['ab\xff\xff', 'ac'],
    ['\xff', '\0'],
    ['', '\0'],
  ])('prefix %j ends at %j', (prefix, end) => {
    expect(prefixRangeEnd(b(prefix)).toString('latin1')).toBe(end);
  });

  it('orders key strings as bytes', () => {
    const range = toKeyRange(b('a'), prefixRangeEnd(b('a')));
    expect(['a', 'a\x00', 'a\x7f', 'a\x80', 'a\xff\xff'].every((key) => keyInRange(key, range))).toBe(true);
    expect(['', '`', 'b', 'b\x00'].some((key) => keyInRange(key, range))).toBe(false);
    expect(toKeyString(new Uint8Array([0x61, 0xff]))).toBe('a\xff');
  });
});
