import { createRng, type Rng } from '../../testing.js';

/** Lab constant: tests assume a leader is elected within this many (virtual) ms. */
export const ELECTION_TIMEOUT = 1000;

export function labRng(seed: number): Rng {
  return createRng(seed ^ 0x5eed);
}

export function randCommand(rng: Rng): string {
  return String(rng.int(1_000_000_000));
}

export function randString(rng: Rng, n: number): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += chars[rng.int(chars.length)];
  return s;
}

/** Seeds every scenario runs with; different seeds give different (deterministic) schedules. */
export const SEEDS = [1, 2, 3];
