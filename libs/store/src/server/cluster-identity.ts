import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A 52-bit id from a hash: exact as a JS number (etcd's ids are 64-bit hashes alike). */
function hashId(...parts: string[]): number {
  const h = createHash('sha1');
  for (const p of parts) h.update(p).update('\u0000');
  const d = h.digest();
  const id = d.readUIntBE(0, 6) * 16 + (d[6] >> 4);
  return id === 0 ? 1 : id;
}

/** As etcd: a member's id depends on its peer URLs and the cluster token. */
export function initialMemberId(peerUrls: readonly string[], token: string): number {
  return hashId([...peerUrls].sort().join(','), token);
}

/** As etcd: the cluster id depends on the initial members and the token. */
export function initialClusterId(memberIds: readonly number[], token: string): number {
  return hashId([...memberIds].sort((a, b) => a - b).join(','), token);
}

/** What a data dir remembers about whom it belongs to. */
export interface StoredIdentity {
  readonly clusterId: number;
  readonly memberId: number;
  readonly name: string;
}

const FILE = 'identity.json';

export async function readIdentity(dir: string): Promise<StoredIdentity | null> {
  let text: string;
  try {
    text = await readFile(join(dir, FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const v = JSON.parse(text) as Partial<StoredIdentity>;
  if (typeof v.clusterId !== 'number' || typeof v.memberId !== 'number' || typeof v.name !== 'string') {
    throw new Error(`data dir ${dir} is damaged: ${FILE} is not a member identity`);
  }
  return { clusterId: v.clusterId, memberId: v.memberId, name: v.name };
}

export async function writeIdentity(dir: string, id: StoredIdentity): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `${FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(id), { flush: true });
  await rename(tmp, join(dir, FILE));
}

export function hexId(id: number): string {
  return id.toString(16);
}
