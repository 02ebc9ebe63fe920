import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * Runs `run` against a fresh ceiling server (kv-ceiling-server.ts) in its own process, as the
 * store's members are, and stops it afterwards, also on failure.
 */
export async function withCeilingServer<T>(run: (endpoint: string) => Promise<T>): Promise<T> {
  const program = fileURLToPath(new URL('./kv-ceiling-server.js', import.meta.url));
  const child = spawn(process.execPath, [program], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n')) resolve(Number(line));
      });
      child.once('exit', (code) => reject(new Error(`kv-ceiling-server exited (${code}) before listening`)));
    });
    return await run(`127.0.0.1:${port}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  }
}
