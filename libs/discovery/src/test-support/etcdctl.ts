import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the real `etcdctl` (v3 API) against `endpoints`, returning stdout. */
export async function etcdctl(endpoints: readonly string[], ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'etcdctl',
    [`--endpoints=${endpoints.join(',')}`, '--dial-timeout=2s', '--command-timeout=5s', ...args],
    {
      env: { ...process.env, ETCDCTL_API: '3' },
    },
  );
  return stdout;
}

/** `etcdctl get --prefix` as key/value pairs. */
export async function etcdctlGetPrefix(
  endpoints: readonly string[],
  prefix: string,
  /** Extra flags, e.g. `--cacert=…` or `--user=…`. */
  flags: readonly string[] = [],
): Promise<{ key: string; value: string }[]> {
  const out = await etcdctl(endpoints, ...flags, 'get', '--prefix', prefix);
  const lines = out.split('\n').filter((l) => l !== '');
  const pairs: { key: string; value: string }[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2)
    pairs.push({ key: lines[i] ?? '', value: lines[i + 1] ?? '' });
  return pairs;
}
