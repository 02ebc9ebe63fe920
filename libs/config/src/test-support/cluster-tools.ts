import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Etcd3 } from 'etcd3';
import { waitFor, type EtcdCluster } from '@flotilla/testing';

const run = promisify(execFile);

/** `etcdctl` (v3 API) against the cluster; resolves with stdout, or rejects with its stderr in the message. */
export async function etcdctl(endpoints: readonly string[], ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(
      'etcdctl',
      [`--endpoints=${endpoints.join(',')}`, '--command-timeout=5s', ...args],
      {
        env: { ...process.env, ETCDCTL_API: '3' },
      },
    );
    return stdout;
  } catch (error) {
    const { stderr, code } = error as { stderr?: string; code?: number };
    throw new Error(`etcdctl ${args.join(' ')} failed (exit ${code}): ${stderr ?? ''}`);
  }
}

/** Index of the member that is the Raft leader, as the members themselves report it. */
export async function leaderIndex(cluster: EtcdCluster): Promise<number> {
  return waitFor(
    async () => {
      for (const [i, member] of cluster.members.entries()) {
        if (!member.running) continue;
        const client = new Etcd3({ hosts: member.clientUrl, dialTimeout: 1000 });
        try {
          const status = await client.maintenance.status();
          if (status.leader !== '0' && status.leader === status.header.member_id) return i;
        } catch {
          // a member between elections; ask the next
        } finally {
          client.close();
        }
      }
      return undefined;
    },
    { timeoutMs: 15_000, what: 'a leader' },
  );
}

/** The stored text of `key`, read from the first running member. */
export async function readKey(endpoints: readonly string[], key: string): Promise<string | null> {
  const client = new Etcd3({ hosts: [...endpoints], dialTimeout: 2000 });
  try {
    return await client.get(key).string();
  } finally {
    client.close();
  }
}
