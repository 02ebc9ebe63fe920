import { spawn } from 'node:child_process';
import { ENSURE_ETCD } from '../paths.js';

/** Runs tools/scripts/ensure-etcd.sh (which may install etcd), its output shown line by line. */
export async function ensureEtcd(log: (line: string) => void): Promise<void> {
  log(`checking for etcd: bash ${ENSURE_ETCD}`);
  const child = spawn('bash', [ENSURE_ETCD], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const show = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const lines = output.split('\n');
    output = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') log(`  ${line}`);
  };
  child.stdout.on('data', show);
  child.stderr.on('data', show);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (output.trim() !== '') log(`  ${output}`);
  if (code !== 0) {
    throw new Error(
      'etcd is not available (see above); install it, or run the fleet on flotilla-store: npm run fleet',
    );
  }
}
