/**
 * How the simulator lets promise continuations settle between two scheduler events.
 *  - `tick`: Node runs the nextTick queue only once V8's microtask queue is empty, so a nextTick
 *    requested from inside a microtask fires after every pending continuation, however deep the
 *    chain (the wait costs about a third of a `setImmediate`; whole runs are ~25% faster). It would not wait for nextTicks requested later
 *    by the code under test; RaftServer uses none, and the spec compares both modes.
 *  - `immediate`: a macrotask turn; waits for microtasks and nextTicks alike.
 * Both are deterministic as long as the code under test uses no real timers or I/O.
 */
export type DrainMode = 'tick' | 'immediate';

export async function drainMicrotasks(mode: DrainMode): Promise<void> {
  if (mode === 'immediate') {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return;
  }
  // The first await puts us inside a microtask even when called from a macrotask, where Node would
  // run the nextTick queue *before* the pending microtasks.
  await null;
  await new Promise<void>((resolve) => process.nextTick(resolve));
}
