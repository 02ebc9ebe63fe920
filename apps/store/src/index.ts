export { parseStoreFlags, FlagError, type StoreFlags } from './flags.js';
export { runStore } from './run-store.js';
