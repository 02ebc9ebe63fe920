import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isProcessAlive, waitFor } from '@flotilla/testing';

const run = promisify(execFile);
const SUPERVISOR = fileURLToPath(
  new URL('../../../tools/fleet/dist/supervisor/supervisor.js', import.meta.url),
);

describe("the fleet's supervisor (tools/fleet from dist/)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-crash-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('kills its children when the fleet itself crashes', async () => {
    // A fleet process that starts a long-lived child in its own group, prints its pid, then crashes.
    const script = `
      import { Supervisor } from ${JSON.stringify(SUPERVISOR)};
      const [p] = new Supervisor().startLayer('svc', [{
        name: 'svc-1', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'],
        logFile: ${JSON.stringify(join(dir, 'svc-1.log'))},
      }], { graceMs: 5000 });
      process.stdout.write(String(p.pid)); // not console.log: it colours numbers under FORCE_COLOR
      setTimeout(() => { throw new Error('fleet crashed'); }, 100);`;
    const failure = await run(process.execPath, ['--input-type=module', '-e', script]).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('fleet crashed');
    const pid = Number((failure as { stdout: string }).stdout.trim());
    expect(pid).toBeGreaterThan(0);
    // The SIGKILL is sent as the fleet exits; the child dies when the kernel next schedules it.
    await waitFor(() => !isProcessAlive(pid), { timeoutMs: 5000, what: `child ${pid} to be gone` });
  });
});
