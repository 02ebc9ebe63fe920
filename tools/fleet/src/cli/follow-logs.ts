import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The log files of `name`: the instance's own, or every `<name>-<n>.log` of a service. */
export function logFilesOf(logDir: string, name: string): string[] {
  const own = join(logDir, `${name}.log`);
  if (existsSync(own)) return [own];
  if (!existsSync(logDir)) return [];
  const pattern = new RegExp(`^${name.replace(/[^\w-]/g, '')}-(\\d+)\\.log$`);
  return readdirSync(logDir)
    .map((f) => ({ f, n: Number(pattern.exec(f)?.[1] ?? NaN) }))
    .filter(({ n }) => !Number.isNaN(n))
    .sort((a, b) => a.n - b.n)
    .map(({ f }) => join(logDir, f));
}

/** Bytes of `file` from `offset` on; returns the text and the new offset. */
function readFrom(file: string, offset: number): { text: string; offset: number } {
  const size = statSync(file).size;
  // A restarted store member appends; a new run truncates: start over then.
  const from = size < offset ? 0 : offset;
  if (size === from) return { text: '', offset: from };
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(size - from);
    const read = readSync(fd, buffer, 0, buffer.length, from);
    return { text: buffer.subarray(0, read).toString('utf8'), offset: from + read };
  } finally {
    closeSync(fd);
  }
}

/**
 * Prints the logs (each line prefixed with its instance when there are several); with `follow`,
 * keeps printing what is appended, also from instances that appear later, until `signal` aborts.
 */
export async function printLogs(
  logDir: string,
  name: string,
  follow: boolean,
  write: (text: string) => void,
  signal?: AbortSignal,
): Promise<boolean> {
  const offsets = new Map<string, number>();
  const partial = new Map<string, string>();
  const pass = (final: boolean) => {
    const files = logFilesOf(logDir, name);
    const prefixed = files.length > 1 || !files[0]?.endsWith(`/${name}.log`);
    for (const file of files) {
      const { text, offset } = readFrom(file, offsets.get(file) ?? 0);
      offsets.set(file, offset);
      const pending = (partial.get(file) ?? '') + text;
      const lines = pending.split('\n');
      const rest = lines.pop() ?? '';
      if (final && rest !== '') lines.push(rest);
      partial.set(file, final ? '' : rest);
      const label = file.slice(file.lastIndexOf('/') + 1, -'.log'.length);
      for (const line of lines) write(prefixed ? `${label} | ${line}\n` : `${line}\n`);
    }
    return files.length > 0;
  };
  const found = pass(!follow);
  if (!follow || !found) return found;
  while (!signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    pass(false);
  }
  return true;
}
