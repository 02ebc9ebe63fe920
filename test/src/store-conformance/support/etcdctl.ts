import { execFile } from 'node:child_process';

export interface CtlResult {
  /** Exit code (0 = success). */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `etcdctl` (v3 API) against `endpoints`; never throws for a non-zero exit. */
export function etcdctl(
  endpoints: readonly string[],
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<CtlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'etcdctl',
      [`--endpoints=${endpoints.join(',')}`, '--command-timeout=10s', ...args],
      {
        env: { ...process.env, ETCDCTL_API: '3' },
        timeout: options.timeoutMs ?? 20_000,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`etcdctl ${args.join(' ')}: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** Runs etcdctl with `-w json` and parses what it prints; a failure throws with its stderr. */
export async function etcdctlJson<T = Record<string, unknown>>(
  endpoints: readonly string[],
  args: readonly string[],
  options: { input?: string } = {},
): Promise<T> {
  const r = await etcdctl(endpoints, [...args, '-w', 'json'], options);
  if (r.code !== 0) throw new Error(`etcdctl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** etcdctl's JSON has keys and values in base64. */
export function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

/** The error line etcdctl prints for a failed call (after its client's retry warnings). */
export function ctlError(r: CtlResult): string {
  const line = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('Error:'));
  return line ?? r.stderr.trim();
}
