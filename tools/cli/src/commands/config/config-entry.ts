import type { IKeyValue } from 'etcd3';
import { parseJsonText, revisionNumber } from '../../output/format.js';

/** The CLI's shape of one stored config key (`--json` prints it as is). */
export interface ConfigEntry {
  key: string;
  /** The stored JSON, decoded; null when the stored text is not JSON (see `raw`). */
  value: unknown;
  /** The stored text, byte for byte. */
  raw: string;
  modRevision: number;
  createRevision: number;
  version: number;
}

export function toConfigEntry(key: string, kv: IKeyValue): ConfigEntry {
  const raw = kv.value.toString('utf8');
  const parsed = parseJsonText(raw);
  return {
    key,
    value: parsed.ok ? parsed.value : null,
    raw,
    modRevision: revisionNumber(kv.mod_revision),
    createRevision: revisionNumber(kv.create_revision),
    version: revisionNumber(kv.version),
  };
}

export const ENTRY_HEAD = ['KEY', 'VALUE', 'REVISION'] as const;

export function entryRow(entry: ConfigEntry): string[] {
  return [entry.key, entry.raw, String(entry.modRevision)];
}
