import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Fallback } from './crc32.js';
import { encodeRecord, RECORD_HEADER_BYTES, scanRecords } from './record-codec.js';

describe('record codec', () => {
  it('CRC-32 matches the standard check value, with and without zlib', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Fallback(check)).toBe(0xcbf43926);
    const data = randomBytes(4096);
    expect(crc32Fallback(data)).toBe(crc32(data));
  });

  it('CRC-32 continues over parts as over the whole, with and without zlib', () => {
    const data = randomBytes(4096);
    const [a, b] = [data.subarray(0, 1000), data.subarray(1000)];
    expect(crc32(b, crc32(a))).toBe(crc32(data));
    expect(crc32Fallback(b, crc32Fallback(a))).toBe(crc32(data));
  });

  it('scans back what it framed', () => {
    const payloads = [Buffer.from('a'), randomBytes(300), Buffer.from('last')];
    const file = Buffer.concat(payloads.map(encodeRecord));
    const { records, validBytes } = scanRecords(file, 'f', false);
    expect(records.map((r) => r.payload)).toEqual(payloads);
    expect(records[1].offset).toBe(RECORD_HEADER_BYTES + 1);
    expect(validBytes).toBe(file.length);
  });

  it('a torn tail is an error unless allowed', () => {
    const file = Buffer.concat([
      encodeRecord(Buffer.from('whole')),
      encodeRecord(Buffer.from('torn')).subarray(0, 14),
    ]);
    expect(scanRecords(file, 'f', true).validBytes).toBe(RECORD_HEADER_BYTES + 5);
    expect(() => scanRecords(file, 'f', false)).toThrow('raft log corrupt: f at offset 17: truncated record');
  });

  it('a damaged length is corruption even at the tail, not a torn record', () => {
    const file = Buffer.concat([encodeRecord(Buffer.from('one')), encodeRecord(Buffer.from('two'))]);
    file[RECORD_HEADER_BYTES + 3 + 2] ^= 0x40; // length of the second (last) record
    expect(() => scanRecords(file, 'f', true)).toThrow('raft log corrupt: f at offset 15: bad record header');
  });

  it('refuses empty payloads', () => {
    expect(() => encodeRecord(new Uint8Array(0))).toThrow(RangeError);
  });
});
