import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { freePorts, LOOPBACK } from '../ports.js';

export type RegistryKind = 'store' | 'etcd';

export interface RegistryMember {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
}

export interface RegistryPlan {
  kind: RegistryKind;
  members: RegistryMember[];
  /** Whether the data dirs come from an earlier run (the cluster restarts rather than bootstraps). */
  reused: boolean;
}

const planFile = z.object({
  members: z.array(z.object({ name: z.string(), clientPort: z.number().int(), peerPort: z.number().int() })),
});

/**
 * The registry's members. Their ports are remembered next to the data dirs: a restarted member must
 * come back on the peer URLs recorded in its data, so a second run reuses them (--fresh forgets both).
 */
export async function planRegistry(kind: RegistryKind, dir: string, size = 3): Promise<RegistryPlan> {
  const file = join(dir, 'cluster.json');
  if (existsSync(file)) {
    let saved: z.output<typeof planFile>;
    try {
      saved = planFile.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      const why =
        error instanceof z.ZodError
          ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
          : (error as Error).message;
      throw new Error(
        `${file} is unreadable (${why}); start over with npm run fleet -- --fresh${kind === 'etcd' ? ' --etcd' : ''}`,
      );
    }
    if (saved.members.length !== size) {
      throw new Error(
        `${file} remembers ${saved.members.length} store members, the definition asks for ${size}; a Raft cluster cannot change size by restarting: start over with npm run fleet -- --fresh${kind === 'etcd' ? ' --etcd' : ''}`,
      );
    }
    return {
      kind,
      reused: true,
      members: saved.members.map((m) => ({ ...m, dataDir: join(dir, m.name) })),
    };
  }
  const ports = await freePorts(size * 2);
  const port = (i: number): number => {
    const p = ports[i];
    if (p === undefined) throw new Error(`expected ${size * 2} free ports, got ${ports.length}`);
    return p;
  };
  const members = Array.from({ length: size }, (_, i) => ({
    // store-N for etcd too: chaos and the control API name store members store-1..n either way.
    name: `store-${i + 1}`,
    clientPort: port(2 * i),
    peerPort: port(2 * i + 1),
  }));
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ members }, null, 2)}\n`);
  return { kind, reused: false, members: members.map((m) => ({ ...m, dataDir: join(dir, m.name) })) };
}

export function clientUrl(member: RegistryMember): string {
  return `http://${LOOPBACK}:${member.clientPort}`;
}

export function peerUrl(member: RegistryMember): string {
  return `http://${LOOPBACK}:${member.peerPort}`;
}
