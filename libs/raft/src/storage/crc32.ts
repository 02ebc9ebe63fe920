import * as zlib from 'node:zlib';

/** CRC-32 of `data`; `previous` continues the CRC of bytes that came before it. */
type Crc32 = (data: Uint8Array, previous?: number) => number;

/** Table-driven CRC-32 (IEEE, as zlib), for Node versions without `zlib.crc32`. */
function tableCrc32(): Crc32 {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return (data, previous = 0) => {
    let crc = (previous ^ 0xffffffff) >>> 0;
    for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  };
}

// zlib.crc32 arrived in Node 20.15 / 22.2; the namespace import keeps older versions loadable.
const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 (IEEE 802.3 polynomial) of `data`, as an unsigned 32-bit integer. */
export const crc32: Crc32 =
  typeof native === 'function' ? (data, previous = 0) => native(data, previous) >>> 0 : tableCrc32();

/** Exposed for the test that checks both implementations agree. */
export const crc32Fallback: Crc32 = tableCrc32();
