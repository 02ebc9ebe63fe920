import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  captureOutput,
  exited,
  freePorts,
  registryCommand,
  spawnTracked,
  stopChild,
  waitFor,
} from '@flotilla/testing';
import { MemberRpc } from './rpc.js';

/*
 * A launcher for real flotilla-store processes with what fault tests need: SIGKILL, SIGSTOP/SIGCONT,
 * restart from the data dir, members added with --initial-cluster-state existing, --snapshot-count,
 * and the leader found through Maintenance.Status. `startEtcdCluster` (@flotilla/testing) runs
 * flotilla-store too but has none of these yet; the program comes from the same place.
 */

export interface StoreClusterOptions {
  /** Voting members at start (default 3). */
  readonly size?: number;
  /** --heartbeat-interval, ms (default: the store's, 50). */
  readonly heartbeatMs?: number;
  /** --election-timeout, ms (default: the store's, 250). */
  readonly electionMs?: number;
  readonly snapshotCount?: number;
  readonly startTimeoutMs?: number;
}

export type MemberState = 'new' | 'running' | 'paused' | 'down';

export interface StoreMember {
  readonly name: string;
  /** `127.0.0.1:<port>` */
  readonly endpoint: string;
  /** `http://127.0.0.1:<port>` */
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly state: MemberState;
  /** The Raft member id (from Status), once the member has answered one. */
  readonly memberId: number | undefined;
  readonly pid: number | undefined;
  readonly rpc: MemberRpc;
  output(): string;
}

interface Member extends StoreMember {
  state: MemberState;
  memberId: number | undefined;
  clientPort: number;
  peerPort: number;
  process: ChildProcess | undefined;
  /** The test stopped it: its exit is no news. */
  exitExpected: boolean;
  /** Flags for restarts: how the member was first started. */
  initialCluster: string;
  clusterState: 'new' | 'existing';
  output: () => string;
}

const liveRoots = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Children are killed by spawnTracked's own hook; the data dirs go here.
  process.on('exit', () => {
    for (const root of liveRoots) rmSync(root, { recursive: true, force: true });
  });
}

export class StoreCluster {
  /** Members that exited without the test stopping them (a crash): each with its last output. */
  readonly crashes: string[] = [];
  private readonly members: Member[] = [];
  private stopped = false;

  private constructor(
    private readonly command: { command: string; args: string[] },
    private readonly root: string,
    private readonly token: string,
    private readonly options: Required<Omit<StoreClusterOptions, 'size'>>,
  ) {}

  static async start(options: StoreClusterOptions = {}): Promise<StoreCluster> {
    // `node <repo>/apps/store/dist/main.js`; throws, naming the build command, if it is not built.
    const command = registryCommand('flotilla-store');
    installExitHook();
    // The harness's naming: @flotilla/testing removes dirs of this shape whose owner pid is gone.
    const root = mkdtempSync(join(tmpdir(), `flotilla-etcd-${process.pid}-`));
    liveRoots.add(root);
    const cluster = new StoreCluster(command, root, `faults-${process.pid}-${Date.now()}`, {
      heartbeatMs: options.heartbeatMs ?? 50,
      electionMs: options.electionMs ?? 250,
      snapshotCount: options.snapshotCount ?? 10_000,
      startTimeoutMs: options.startTimeoutMs ?? 40_000,
    });
    try {
      const size = options.size ?? 3;
      for (let i = 0; i < size; i++) await cluster.prepare(`m${i}`);
      const initialCluster = cluster.members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
      for (const m of cluster.members) cluster.launch(m, initialCluster, 'new');
      await Promise.all(cluster.members.map((m) => cluster.waitReady(m)));
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  /** Members in start order, removed ones included. */
  get all(): readonly StoreMember[] {
    return this.members;
  }

  member(name: string): StoreMember {
    return this.byName(name);
  }

  /** Client endpoints of the given members (default: every member started so far). */
  endpoints(names?: readonly string[]): string[] {
    return (names ? names.map((n) => this.byName(n)) : this.members).map((m) => m.endpoint);
  }

  /** Ports and a data dir for a member to be added (MemberAdd first, then `join`). */
  async prepare(name: string): Promise<StoreMember> {
    const [clientPort = 0, peerPort = 0] = await freePorts(2);
    const m: Member = {
      name,
      clientPort,
      peerPort,
      endpoint: `127.0.0.1:${clientPort}`,
      clientUrl: `http://127.0.0.1:${clientPort}`,
      peerUrl: `http://127.0.0.1:${peerPort}`,
      dataDir: join(this.root, name),
      state: 'new',
      memberId: undefined,
      process: undefined,
      exitExpected: false,
      initialCluster: '',
      clusterState: 'new',
      output: () => '',
      rpc: new MemberRpc(`127.0.0.1:${clientPort}`),
      get pid() {
        return this.process?.pid;
      },
    };
    this.members.push(m);
    return m;
  }

  /** Starts a prepared member with --initial-cluster-state existing; waits until it knows a leader. */
  async join(name: string, initialCluster: string): Promise<void> {
    const m = this.byName(name);
    this.launch(m, initialCluster, 'existing');
    await this.waitReady(m);
  }

  /** Sends `signal`: SIGKILL/SIGTERM wait for the exit, SIGSTOP/SIGCONT return at once. */
  async signal(name: string, signal: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const m = this.byName(name);
    const child = m.process;
    if (!child || m.state === 'down') return;
    if (signal === 'SIGSTOP') {
      child.kill('SIGSTOP');
      m.state = 'paused';
      return;
    }
    if (signal === 'SIGCONT') {
      child.kill('SIGCONT');
      m.state = 'running';
      return;
    }
    const done = exited(child);
    m.exitExpected = true;
    child.kill(signal);
    if (m.state === 'paused') child.kill('SIGCONT'); // a stopped process acts on SIGTERM only once resumed
    await done;
    m.state = 'down';
  }

  kill(name: string): Promise<void> {
    return this.signal(name, 'SIGKILL');
  }

  /** Starts a member that is down again, from its data dir, with the flags it was first started with. */
  async restart(name: string, options: { wait?: boolean } = {}): Promise<void> {
    const m = this.byName(name);
    if (m.state !== 'down') throw new Error(`member ${name} is ${m.state}, not down`);
    this.launch(m, m.initialCluster, m.clusterState);
    if (options.wait ?? true) await this.waitReady(m);
  }

  /** Waits until member `name` answers Status and knows a leader; fails at once if it exits. */
  async waitReady(m: StoreMember | string, timeoutMs = this.options.startTimeoutMs): Promise<void> {
    const member = typeof m === 'string' ? this.byName(m) : (m as Member);
    const child = member.process;
    if (!child) throw new Error(`member ${member.name} was never started`);
    let onExit: (code: number | null, signal: NodeJS.Signals | null) => void = () => undefined;
    const died = new Promise<never>((_, reject) => {
      onExit = (code, signal) =>
        reject(
          new Error(
            `flotilla-store member ${member.name} exited (code ${code}, signal ${signal}) before it was ready:\n${member.output()}`,
          ),
        );
      if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
      else child.once('exit', onExit);
    });
    const ready = waitFor(
      async () => {
        const s = await member.rpc.status(1000);
        member.memberId = s.header?.memberId;
        return s.leader !== 0;
      },
      { timeoutMs, intervalMs: 50, what: `flotilla-store member ${member.name} to serve and know a leader` },
    ).catch((e: unknown) => {
      throw new Error(
        `${e instanceof Error ? e.message : String(e)}\n--- ${member.name} output:\n${member.output()}`,
      );
    });
    try {
      await Promise.race([ready, died]);
    } finally {
      child.off('exit', onExit);
      died.catch(() => undefined);
      ready.catch(() => undefined);
    }
  }

  /**
   * The leader, as the running members see it: one that reports itself leader, with a majority of
   * the answering members agreeing. Undefined when there is none right now.
   */
  async leader(among?: readonly string[]): Promise<StoreMember | undefined> {
    const candidates = this.members.filter(
      (m) => m.state === 'running' && (!among || among.includes(m.name)),
    );
    const statuses = await Promise.all(
      candidates.map(async (m) => {
        try {
          const s = await m.rpc.status(500);
          m.memberId = s.header?.memberId;
          return { m, s };
        } catch {
          return undefined;
        }
      }),
    );
    const answers = statuses.filter((x) => x !== undefined);
    for (const { m, s } of answers) {
      if (s.leader === 0 || s.leader !== s.header?.memberId) continue;
      const agree = answers.filter((a) => a.s.leader === s.leader).length;
      if (agree * 2 > answers.length) return m;
    }
    return undefined;
  }

  /** The highest Raft term the running members report (elections so far, with pre-vote). */
  async term(): Promise<number> {
    const terms = await Promise.all(
      this.members
        .filter((m) => m.state === 'running')
        .map((m) =>
          m.rpc.status(1000).then(
            (s) => s.raftTerm,
            () => 0,
          ),
        ),
    );
    return Math.max(0, ...terms);
  }

  /** Polls until there is a leader (optionally: not `not`, one of `among`) and returns it. */
  waitLeader(
    options: { timeoutMs?: number; not?: string; among?: readonly string[] } = {},
  ): Promise<StoreMember> {
    return waitFor(
      async () => {
        const l = await this.leader(options.among);
        return l && l.name !== options.not ? l : undefined;
      },
      { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 50, what: 'a flotilla-store leader' },
    );
  }

  /** Kills every member and removes the data dirs. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const m of this.members) m.rpc.close();
    await Promise.all(this.members.map((m) => (m.process ? stopChild(m.process, 'SIGKILL') : undefined)));
    rmSync(this.root, { recursive: true, force: true });
    liveRoots.delete(this.root);
  }

  private launch(m: Member, initialCluster: string, state: 'new' | 'existing'): void {
    m.initialCluster = initialCluster;
    m.clusterState = state;
    const flags = [
      `--name=${m.name}`,
      `--data-dir=${m.dataDir}`,
      `--listen-client-urls=${m.clientUrl}`,
      `--advertise-client-urls=${m.clientUrl}`,
      `--listen-peer-urls=${m.peerUrl}`,
      `--initial-advertise-peer-urls=${m.peerUrl}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-state=${state}`,
      `--initial-cluster-token=${this.token}`,
      `--heartbeat-interval=${this.options.heartbeatMs}`,
      `--election-timeout=${this.options.electionMs}`,
      `--snapshot-count=${this.options.snapshotCount}`,
    ];
    const child = spawnTracked(this.command.command, [...this.command.args, ...flags]);
    m.process = child;
    m.state = 'running';
    m.exitExpected = false;
    m.output = captureOutput(child);
    child.once('exit', (code, signal) => {
      if (m.process !== child) return;
      if (!m.exitExpected && !this.stopped) {
        const crash = `flotilla-store ${m.name} exited on its own (code ${code}, signal ${signal}):\n${m.output().slice(-4000)}`;
        this.crashes.push(crash);
        process.stdout.write(`${crash}\n`);
      }
      m.state = 'down';
    });
  }

  private byName(name: string): Member {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  }
}
