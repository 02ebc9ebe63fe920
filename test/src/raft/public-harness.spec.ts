import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// The harness is a public contract: after `npm run build`, plain Node at the repository root (no
// loader, no TypeScript) imports it by package name and drives a simulated cluster.
const SCRIPT = `
import { createSimCluster } from '@flotilla/raft/testing';
const cluster = createSimCluster({ servers: 3, seed: 7 });
const leader = await cluster.checkOneLeader();
const index = await cluster.one('hello', 3, false);
const { count, command } = cluster.nCommitted(index);
await cluster.cleanup();
console.log(JSON.stringify({ leader, index, count, command, virtualMs: cluster.now() }));
`;

describe('@flotilla/raft/testing from plain Node', () => {
  it('imports createSimCluster by package name and reaches agreement', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: ROOT });
    const result = JSON.parse(stdout) as {
      leader: number;
      index: number;
      count: number;
      command: string;
      virtualMs: number;
    };
    expect(result.leader).toBeGreaterThanOrEqual(0);
    expect(result.leader).toBeLessThan(3);
    expect(result).toMatchObject({ count: 3, command: 'hello' });
    expect(result.virtualMs).toBeGreaterThan(0);
  });
});
