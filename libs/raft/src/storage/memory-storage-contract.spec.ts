import { describe, it } from 'vitest';
import { MemoryStorage } from '../memory/memory-storage.js';
import { STORAGE_CONTRACT } from './storage-contract.js';

describe('MemoryStorage obeys the storage contract', () => {
  for (const c of STORAGE_CONTRACT) {
    // A restarted server keeps the same MemoryStorage instance.
    it(c.name, () => c.run({ create: async () => new MemoryStorage(), reopen: async (s) => s }));
  }
});
