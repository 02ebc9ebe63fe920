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

/** What `config get` lists: a stored value, or a key nobody set, which the service has at its schema default. */
export type ConfigGetEntry = (ConfigEntry & { source: 'store' }) | DefaultEntry;

/** A key the schema declares and nobody set: the service uses this default (no revision: nothing is stored). */
export interface DefaultEntry {
  key: string;
  value: unknown;
  /** The default as JSON text. */
  raw: string;
  source: 'default';
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

export function defaultEntry(key: string, value: unknown): DefaultEntry {
  return { key, value, raw: JSON.stringify(value), source: 'default' };
}

export const ENTRY_HEAD = ['KEY', 'VALUE', 'REVISION', 'SOURCE'] as const;

export function entryRow(entry: ConfigGetEntry): string[] {
  return entry.source === 'store'
    ? [entry.key, entry.raw, String(entry.modRevision), 'store']
    : [entry.key, entry.raw, '-', 'default'];
}
