/** Decodes stored JSON text; `ok: false` when the text is not JSON (callers still show it raw). */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** etcd3 hands int64 fields over as decimal strings; revisions fit a JS number exactly. */
export function revisionNumber(text: string | number): number {
  return typeof text === 'number' ? text : Number(text);
}

/**
 * A member id as etcdctl prints it: lowercase hex. The id arrives as a decimal string (etcd's ids are
 * 64-bit, beyond a JS number's exact range), so it goes through BigInt and never through a number.
 */
export function memberIdHex(decimal: string | number): string {
  return BigInt(decimal).toString(16);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
