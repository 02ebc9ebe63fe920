import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  captureOutput,
  checkHealth,
  exited,
  freePorts,
  spawnTracked,
  stopChild,
  waitFor,
} from '@flotilla/testing';
import { backendCommand, type Backend } from './backends.js';
import { RawClient } from './raw-client.js';

/*
 * A local launcher for the conformance suite: starts etcd or flotilla-store with the same etcd flags
 * and waits until every member serves (gRPC health, then a linearizable read through a leader).
 * `startEtcdCluster` in @flotilla/testing is getting a `binary` option; once it can also pass extra
 * flags (--experimental-watch-progress-notify-interval) and start an added member with
 * --initial-cluster-state existing, the suite can switch to it and this file can go.
 */

export interface ClusterOptions {
  readonly backend: Backend;
  /** Voting members at start (default 1). */
  readonly size?: number;
  /** etcd's --experimental-watch-progress-notify-interval, e.g. '500ms'. */
  readonly watchProgressNotifyInterval?: string;
  readonly startTimeoutMs?: number;
}

export interface Member {
  readonly name: string;
  /** `http://127.0.0.1:<port>` */
  readonly clientUrl: string;
  /** `127.0.0.1:<port>`, for gRPC clients and etcdctl. */
  readonly endpoint: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly running: boolean;
  output(): string;
}

export interface Cluster {
  readonly backend: Backend;
  /** Members started so far, in start order (removed ones stay listed). */
  readonly members: readonly Member[];
  /** `127.0.0.1:<port>` of the members started with the cluster. */
  readonly endpoints: readonly string[];
  /** Ports and a data dir for a member to be added (MemberAdd first, then `startMember`). */
  prepareMember(name: string): Promise<Member>;
  /** Starts a prepared member with --initial-cluster-state existing and waits until it answers Status. */
  startMember(member: Member, initialCluster: string): Promise<void>;
  /** Stops member `name` (SIGKILL) and waits for it to exit. */
  kill(name: string): Promise<void>;
  /** Kills every member and removes the data dirs. Safe to call twice. */
  stop(): Promise<void>;
}

interface MemberState extends Member {
  clientPort: number;
  peerPort: number;
  process: ChildProcess | undefined;
  output: () => string;
}

const liveRoots = new Set<string>();
let exitHookInstalled = false;

/** Data dirs go with the process even if a test run dies before afterAll (children: spawnTracked's hook). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const root of liveRoots) rmSync(root, { recursive: true, force: true });
  });
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { backend } = options;
  const size = options.size ?? 1;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const { command, args: baseArgs } = backendCommand(backend);
  installExitHook();
  // The harness's naming: @flotilla/testing removes dirs of this shape whose owner pid is gone.
  const root = mkdtempSync(join(tmpdir(), `flotilla-etcd-${process.pid}-`));
  liveRoots.add(root);
  const token = `conformance-${process.pid}-${Date.now()}`;
  const members: MemberState[] = [];

  const prepare = async (name: string, ports?: number[]): Promise<MemberState> => {
    const [clientPort = 0, peerPort = 0] = ports ?? (await freePorts(2));
    const m: MemberState = {
      name,
      clientPort,
      peerPort,
      clientUrl: `http://127.0.0.1:${clientPort}`,
      endpoint: `127.0.0.1:${clientPort}`,
      peerUrl: `http://127.0.0.1:${peerPort}`,
      dataDir: join(root, name),
      process: undefined,
      output: () => '',
      get running() {
        return (
          this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null
        );
      },
    };
    members.push(m);
    return m;
  };

  const launch = (m: MemberState, initialCluster: string, state: 'new' | 'existing'): void => {
    const flags = [
      `--name=${m.name}`,
      `--data-dir=${m.dataDir}`,
      `--listen-client-urls=${m.clientUrl}`,
      `--advertise-client-urls=${m.clientUrl}`,
      `--listen-peer-urls=${m.peerUrl}`,
      `--initial-advertise-peer-urls=${m.peerUrl}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-state=${state}`,
      `--initial-cluster-token=${token}`,
    ];
    if (options.watchProgressNotifyInterval) {
      flags.push(`--experimental-watch-progress-notify-interval=${options.watchProgressNotifyInterval}`);
    }
    // Flags only etcd has (the store rejects flags it does not know, as etcd does).
    if (backend === 'etcd') flags.push('--logger=zap', '--log-level=warn');
    const child = spawnTracked(command, [...baseArgs, ...flags]);
    m.process = child;
    m.output = captureOutput(child);
  };

  const alive = (m: MemberState): void => {
    const child = m.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${backend} member ${m.name} exited (code ${child?.exitCode}, signal ${child?.signalCode}):\n${m.output()}`,
      );
    }
  };

  const dead = (m: MemberState): boolean =>
    !m.process || m.process.exitCode !== null || m.process.signalCode !== null;

  /** Polls `probe` until it holds; a member that dies meanwhile fails the wait at once, with its output. */
  const waitMember = async (m: MemberState, what: string, probe: () => Promise<boolean>): Promise<void> => {
    await waitFor(async () => dead(m) || (await probe()), {
      timeoutMs: startTimeoutMs,
      intervalMs: 100,
      what: `${backend} member ${m.name} ${what}`,
    });
    alive(m);
  };

  const waitServing = (m: MemberState): Promise<void> =>
    waitMember(m, 'to report SERVING', async () => (await checkHealth(m.endpoint, '', 1000)) === 'SERVING');

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(members.map((m) => (m.process ? stopChild(m.process, 'SIGKILL') : undefined)));
    rmSync(root, { recursive: true, force: true });
    liveRoots.delete(root);
  };

  try {
    // All at once, so that no two members are handed the same just-released port.
    const ports = await freePorts(2 * size);
    for (let i = 0; i < size; i++) await prepare(`m${i}`, ports.slice(2 * i, 2 * i + 2));
    const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
    for (const m of members) launch(m, initialCluster, 'new');
    await Promise.all(members.map(waitServing));
    // Serving is not enough: wait until every member answers a linearizable read (it knows a leader).
    await Promise.all(
      members.map(async (m) => {
        const client = new RawClient(m.endpoint);
        try {
          await waitMember(m, 'to serve linearizable reads', async () => {
            await client.kv('range', { key: Buffer.from('health') }, 2000);
            return true;
          });
        } finally {
          client.close();
        }
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }

  const byName = (name: string): MemberState => {
    const m = members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  };

  return {
    backend,
    members,
    endpoints: members.map((m) => m.endpoint),
    prepareMember: (name) => prepare(name),
    async startMember(member, initialCluster) {
      const m = byName(member.name);
      launch(m, initialCluster, 'existing');
      // etcd's learners refuse every RPC but Status and serializable reads (the health check too).
      const client = new RawClient(m.endpoint);
      try {
        await waitMember(m, 'to answer Status', async () => {
          await client.maintenance('status', {}, 2000);
          return true;
        });
      } finally {
        client.close();
      }
    },
    async kill(name) {
      const m = byName(name);
      if (!m.process) return;
      const done = exited(m.process);
      m.process.kill('SIGKILL');
      await done;
    },
    stop,
  };
}
