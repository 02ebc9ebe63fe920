import { fileURLToPath } from 'node:url';
import { captureOutput, exited, spawnTracked, stopChild } from './child-processes.js';
import { isProcessAlive } from './process-state.js';
import { waitFor } from './wait-for.js';

const TREE = fileURLToPath(new URL('./fixtures/tree.mjs', import.meta.url));

async function startTree(mode: string, processGroup: boolean) {
  const child = spawnTracked(process.execPath, [TREE, mode], { processGroup });
  const output = captureOutput(child);
  const line = await waitFor(
    () =>
      output()
        .split('\n')
        .find((l) => l.startsWith('{')),
    {
      timeoutMs: 10_000,
      what: 'the fixture to report its grandchild',
    },
  );
  return { child, output, grandchild: (JSON.parse(line) as { grandchild: number }).grandchild };
}

describe('spawnTracked and stopChild', () => {
  it('kills a process group leader and everything it started, even with SIGKILL', async () => {
    const { child, grandchild } = await startTree('plain', true);
    expect(isProcessAlive(grandchild)).toBe(true);
    await stopChild(child, 'SIGKILL');
    await waitFor(() => !isProcessAlive(grandchild), {
      timeoutMs: 2000,
      what: `grandchild ${grandchild} to die`,
    });
  });

  it("leaves a handled signal to the program's own graceful shutdown", async () => {
    const { child, output, grandchild } = await startTree('handle', false);
    const done = exited(child);
    child.kill('SIGTERM');
    expect(await done).toEqual({ code: 0, signal: null });
    expect(output()).toContain('graceful');
    expect(isProcessAlive(grandchild)).toBe(false);
  });

  it('kills tracked children when an unhandled signal ends the program', async () => {
    const { child, grandchild } = await startTree('plain', false);
    const done = exited(child);
    child.kill('SIGTERM');
    expect(await done).toMatchObject({ signal: 'SIGTERM' });
    await waitFor(() => !isProcessAlive(grandchild), {
      timeoutMs: 2000,
      what: `grandchild ${grandchild} to die`,
    });
  });
});
