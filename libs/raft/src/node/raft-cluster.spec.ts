import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { raftV1 } from '@flotilla/proto';
import { captureOutput, freePorts, spawnTracked, stopChild, waitFor } from '@flotilla/testing';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';

/** Built output: the `test` target depends on `build`. */
const MAIN = fileURLToPath(new URL('../../dist/node/raft-node-main.js', import.meta.url));
const RPC_DEADLINE_MS = 2000;
const IDS = ['n1', 'n2', 'n3'];
const CLUSTER_ID = 'raft-cluster-spec';

type Callback<T> = (error: ServiceError | null, response: T) => void;

/** Client for one node's RaftNodeControl API, promisified, every call with a deadline. */
class NodeClient {
  private readonly client: raftV1.RaftNodeControlClient;

  constructor(port: number) {
    this.client = new raftV1.RaftNodeControlClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 500,
    });
  }

  status(): Promise<raftV1.StatusResponse> {
    return this.call((cb) => this.client.status({}, new Metadata(), this.options(), cb));
  }

  propose(key: string, value: string): Promise<raftV1.ProposeResponse> {
    return this.call((cb) => this.client.propose({ key, value }, new Metadata(), this.options(), cb));
  }

  read(key: string, local: boolean): Promise<raftV1.ReadResponse> {
    return this.call((cb) => this.client.read({ key, local }, new Metadata(), this.options(), cb));
  }

  close(): void {
    this.client.close();
  }

  private options(): { deadline: number } {
    return { deadline: Date.now() + RPC_DEADLINE_MS };
  }

  private call<T>(start: (cb: Callback<T>) => unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => start((err, res) => (err ? reject(err) : resolve(res))));
  }
}

interface Member {
  readonly id: string;
  readonly port: number;
  readonly dir: string;
  readonly client: NodeClient;
  child: ChildProcess | null;
  output: () => string;
  log: string;
}

/** raft-node-main processes on loopback (three unless told), each with its own data directory. */
class Cluster {
  readonly members = new Map<string, Member>();

  constructor(
    private readonly root: string,
    ports: number[],
    ids: readonly string[] = IDS,
  ) {
    ids.forEach((id, i) => {
      this.members.set(id, {
        id,
        port: ports[i],
        dir: join(root, id),
        client: new NodeClient(ports[i]),
        child: null,
        output: () => '',
        log: '',
      });
    });
  }

  member(id: string): Member {
    const m = this.members.get(id);
    if (!m) throw new Error(`no member ${id}`);
    return m;
  }

  live(): Member[] {
    return [...this.members.values()].filter((m) => m.child !== null);
  }

  async start(id: string, extraArgs: readonly string[] = []): Promise<void> {
    const m = this.member(id);
    const peers = [...this.members.values()]
      .filter((p) => p.id !== id)
      .map((p) => `${p.id}=127.0.0.1:${p.port}`);
    const args = [
      MAIN,
      '--id',
      id,
      '--port',
      String(m.port),
      '--peers',
      peers.join(','),
      '--data-dir',
      m.dir,
      '--cluster-id',
      CLUSTER_ID,
    ];
    // Fast ticks for a quick test; small thresholds so snapshots, compaction and segment rolling happen.
    args.push(
      '--tick-ms',
      '50',
      '--snapshot-threshold',
      '10',
      '--snapshot-trailing',
      '5',
      '--segment-bytes',
      '2048',
      ...extraArgs,
    );
    const child = spawnTracked(process.execPath, args);
    m.child = child;
    m.output = captureOutput(child);
    await waitFor(
      () => {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`${id} exited: ${m.output()}`);
        return m.output().includes('"event":"listening"');
      },
      { timeoutMs: 15_000, what: `${id} to listen` },
    );
  }

  async kill(id: string): Promise<void> {
    const m = this.member(id);
    if (!m.child) return;
    await stopChild(m.child, 'SIGKILL');
    m.log += m.output();
    m.child = null;
  }

  /** The leader all live members agree on (at the highest term reported). */
  async leader(timeoutMs = 20_000): Promise<string> {
    return waitFor(
      async () => {
        const statuses = await Promise.all(this.live().map((m) => m.client.status()));
        const leaders = statuses.filter((s) => s.role === 'leader');
        if (leaders.length !== 1) return undefined;
        const leader = leaders[0];
        return statuses.every((s) => s.leader === leader.id && s.term === leader.term)
          ? leader.id
          : undefined;
      },
      { timeoutMs, intervalMs: 100, what: 'a leader recognised by every live member' },
    );
  }

  /** Retries at the current leader until the write is acknowledged. */
  async put(key: string, value: string): Promise<number> {
    return waitFor(
      async () => {
        for (const m of this.live()) {
          const s = await m.client.status().catch(() => null);
          if (s?.role === 'leader') return Number((await m.client.propose(key, value)).index);
        }
        return undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: `write ${key}=${value} to be acknowledged` },
    );
  }

  /** Waits until `id`'s applied state holds every acknowledged write. */
  async converged(id: string, acked: ReadonlyMap<string, string>): Promise<void> {
    const client = this.member(id).client;
    await waitFor(
      async () => {
        for (const [k, v] of acked) {
          const r = await client.read(k, true);
          if (!r.found || r.value !== v) return false;
        }
        return true;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: `${id} to hold all ${acked.size} acknowledged writes` },
    );
  }

  dump(): string {
    return [...this.members.values()]
      .map((m) => `--- ${m.id}\n${m.log}${m.child ? m.output() : ''}`)
      .join('\n');
  }

  async destroy(): Promise<void> {
    for (const m of this.members.values()) {
      m.client.close();
      if (m.child) await stopChild(m.child, 'SIGKILL');
      m.child = null;
    }
    await rm(this.root, { recursive: true, force: true });
  }
}

describe('raft-node-main processes with gRPC transport and file storage', () => {
  const clusters: Cluster[] = [];

  afterEach(async () => {
    for (const c of clusters.splice(0)) await c.destroy();
  });

  async function newCluster(ids: readonly string[] = IDS): Promise<Cluster> {
    const root = await mkdtemp(join(tmpdir(), 'raft-cluster-'));
    const c = new Cluster(root, await freePorts(ids.length), ids);
    clusters.push(c);
    onTestFailed(() => {
      console.error(c.dump());
    });
    return c;
  }

  it('--join: a lone joining server writes no configuration and never campaigns', async () => {
    const joining = await newCluster(['joiner']);
    const bootstrapping = await newCluster(['loner']);
    await joining.start('joiner', ['--join']);
    await bootstrapping.start('loner');
    // The bootstrapping one elects itself (its configuration is itself alone) ...
    expect(await bootstrapping.leader()).toBe('loner');
    // ... while the joining one, given the same time and more than two election timeouts (20
    // ticks of 50 ms at most each), has no configuration and stays an empty follower.
    await new Promise((r) => setTimeout(r, 2500));
    const s = await joining.member('joiner').client.status();
    expect(s).toMatchObject({ role: 'follower', leader: '', term: 0, lastIndex: 0, commitIndex: 0 });
  }, 60_000);

  it('elects, replicates, survives a SIGKILLed leader and a full restart without losing acknowledged writes', async () => {
    const c = await newCluster();
    const acked = new Map<string, string>();
    const write = async (key: string, value: string): Promise<void> => {
      await c.put(key, value);
      acked.set(key, value);
    };

    // 1. Election and replication.
    await Promise.all(IDS.map((id) => c.start(id)));
    const first = await c.leader();
    for (let i = 0; i < 25; i++) await write(`k${i}`, `v${i}`);
    for (const id of IDS) await c.converged(id, acked);
    // The counters a benchmark reads: every save synced, messages flowing both ways with each peer.
    const counters = await c.member(first).client.status();
    expect(Number(counters.storageSaves)).toBeGreaterThan(0);
    expect(Number(counters.storageSyncs)).toBeGreaterThanOrEqual(Number(counters.storageSaves));
    expect(counters.peers.map((p) => p.id)).toEqual(IDS.filter((id) => id !== first));
    for (const p of counters.peers) {
      expect(Number(p.sent)).toBeGreaterThan(0);
      expect(Number(p.received)).toBeGreaterThan(0);
    }
    expect(Number(counters.messagesSent)).toBe(counters.peers.reduce((n, p) => n + Number(p.sent), 0));

    // 2. The leader dies without warning; the other two elect a new one and keep accepting writes.
    await c.kill(first);
    const second = await c.leader();
    expect(second).not.toBe(first);
    for (let i = 25; i < 50; i++) await write(`k${i}`, `v${i}`);
    await write('k0', 'overwritten');
    for (const m of c.live()) await c.converged(m.id, acked);

    // 3. The old leader comes back from its data dir and catches up (by snapshot: the log was compacted).
    await c.start(first);
    await c.converged(first, acked);
    const rejoined = await c.member(first).client.status();
    expect(Number(rejoined.snapshotIndex)).toBeGreaterThan(0);

    // 4. Everybody dies at once; all three restart from disk. Nothing acknowledged is lost.
    await Promise.all(IDS.map((id) => c.kill(id)));
    await Promise.all(IDS.map((id) => c.start(id)));
    const third = await c.leader();
    const leaderClient = c.member(third).client;
    for (const [k, v] of acked) {
      const r = await leaderClient.read(k, false);
      expect({ k, found: r.found, value: r.value }).toEqual({ k, found: true, value: v });
    }
    await write('after-restart', 'yes');
    for (const id of IDS) await c.converged(id, acked);
  }, 180_000);
});
