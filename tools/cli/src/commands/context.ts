import type { Output } from '../output/output.js';
import type { StoreTarget } from '../store/store-target.js';

/** What every command gets: the store to talk to and where to print. */
export interface CommandContext {
  target: StoreTarget;
  out: Output;
}
