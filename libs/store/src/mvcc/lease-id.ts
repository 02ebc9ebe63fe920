const MASK_64 = (1n << 64n) - 1n;
const MASK_53 = (1n << 53n) - 1n;

/**
 * The n-th lease ID the store hands out when a grant names none: a splitmix64 scramble of n cut to
 * 53 bits, so IDs look as spread out as etcd's, are exact as JS numbers, and every replica that has
 * applied the same grants computes the same one. Zero (etcd's "no lease") is never returned.
 */
export function generatedLeaseId(sequence: number): number {
  let x = (BigInt(sequence) * 0x9e3779b97f4a7c15n) & MASK_64;
  x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
  x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
  x ^= x >> 31n;
  const id = Number(x & MASK_53);
  return id === 0 ? 1 : id;
}
