import { StartAborted, waitUntil } from './wait-until.js';

describe('waitUntil', () => {
  it('returns once the check holds', async () => {
    let calls = 0;
    await waitUntil(async () => ++calls === 3, { timeoutMs: 5000, what: 'three calls', intervalMs: 1 });
    expect(calls).toBe(3);
  });

  it('names what it waited for on a timeout, with the detail it is given', async () => {
    await expect(
      waitUntil(async () => false, {
        timeoutMs: 20,
        intervalMs: 5,
        what: 'greeter-1 to register in the registry',
        detail: () => 'the end of its log, greeter-1.log:\nlistening',
      }),
    ).rejects.toThrow(
      /^timed out after 20 ms waiting for greeter-1 to register in the registry; the end of its log, greeter-1\.log:\nlistening$/,
    );
  });

  it('gives up at once with the reason failed() gives, without waiting out the timeout', async () => {
    const started = Date.now();
    await expect(
      waitUntil(async () => false, {
        timeoutMs: 60_000,
        what: 'x',
        failed: () => 'x exited during start-up',
      }),
    ).rejects.toThrow('x exited during start-up');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops with StartAborted when the signal aborts', async () => {
    const abort = new AbortController();
    const waiting = waitUntil(async () => false, { timeoutMs: 60_000, what: 'x', signal: abort.signal });
    abort.abort();
    await expect(waiting).rejects.toBeInstanceOf(StartAborted);
  });
});
