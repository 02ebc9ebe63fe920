#!/usr/bin/env node
/**
 * Flotilla Raft vs etcd on this machine, loopback only, in one run:
 *
 *  1. three `raft-node-main` processes (FileStorage with fsync, GrpcTransport, temp data dirs,
 *     free ports) and a three-member etcd (the `etcd` binary, default fsync) are started;
 *  2. a load-generator process per system (`cluster-load-client.js`) writes to the leader only:
 *     `RaftNodeControl.Propose` with a 256-byte command, `etcd3` `put(key).value(256 bytes)`; at each
 *     concurrency, a warm-up and then a measured window; the systems take turns (order alternating)
 *     so that drift in the machine's load hits both;
 *  3. during each window it measures what a commit costs, from outside, the same way for both:
 *     sync syscalls of the leader and of a follower (perf), TCP segments and bytes between the
 *     members (ss), the leader's CPU (/proc); plus Flotilla's own counters from `Status`
 *     (storage syncs/saves, transport messages) when the node reports them;
 *  4. prints the table (or `--json`), and with `--profile` where the Flotilla leader's main thread
 *     spent the window of the `--profile-concurrency` step (node --cpu-prof on every node; the
 *     leader's profile is cut to that window and kept).
 *
 * Everything (processes, ports, temp dirs) goes at the end, on failure, on Ctrl-C, and when the
 * time limit (BENCH_TIMEOUT_MS, default from the plan) passes.
 *
 *   npx nx run raft:bench-cluster [-- --json] [-- --profile]
 *   BENCH_MS=5000 BENCH_WARMUP_MS=1000 BENCH_CONCURRENCY=1,16,64,256 node libs/raft/dist/bench/cluster-vs-etcd.js
 *   options: --ms --warmup-ms --concurrency --systems flotilla,etcd --node-main PATH (RAFT_NODE_MAIN)
 *            --profile --profile-concurrency 64 --profile-out FILE --json
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { credentials, Metadata } from '@grpc/grpc-js';
import { raftV1 } from '@flotilla/proto';
import {
  captureOutput,
  etcdBinary,
  etcdHttp,
  freePorts,
  spawnTracked,
  startEtcdCluster,
  stopChild,
  waitFor,
  type EtcdCluster,
} from '@flotilla/testing';
import { monotonicMs, type LoadEvent, type LoadSystem, type StepResult } from './cluster-load-protocol.js';
import {
  fsyncProbe,
  machineCpu,
  peerTraffic,
  perfAvailable,
  processCpuMs,
  SyncCounter,
  trafficDelta,
  type SocketCounters,
} from './cluster-probes.js';
import { summarizeProfile, type ProfileSummary } from './cpu-profile-summary.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENT = join(here, 'cluster-load-client.js');
const IDS = ['n1', 'n2', 'n3'];
const TMPFS_MAGIC = 0x01021994;

// ---------------------------------------------------------------------------------------------
// options

const { values: opts } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: process.env['BENCH_PROFILE'] === '1' },
    ms: { type: 'string', default: process.env['BENCH_MS'] ?? '5000' },
    'warmup-ms': { type: 'string', default: process.env['BENCH_WARMUP_MS'] ?? '1000' },
    concurrency: { type: 'string', default: process.env['BENCH_CONCURRENCY'] ?? '1,16,64,256' },
    systems: { type: 'string', default: process.env['BENCH_SYSTEMS'] ?? 'flotilla,etcd' },
    'node-main': {
      type: 'string',
      default: process.env['RAFT_NODE_MAIN'] ?? join(here, '../node/raft-node-main.js'),
    },
    'profile-concurrency': { type: 'string', default: '64' },
    'profile-out': { type: 'string', default: join(here, 'cluster-vs-etcd-leader.cpuprofile') },
  },
  strict: true,
});

function positiveInt(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${v}"`);
  return n;
}
const MS = positiveInt('ms', opts.ms);
const WARMUP_MS = Number(opts['warmup-ms']);
if (!Number.isInteger(WARMUP_MS) || WARMUP_MS < 0) throw new Error('--warmup-ms must be an integer >= 0');
const CONCURRENCY = (opts.concurrency ?? '').split(',').map((c) => positiveInt('concurrency', c));
const SYSTEMS = (opts.systems ?? '')
  .split(',')
  .filter((s): s is LoadSystem => s === 'flotilla' || s === 'etcd');
if (SYSTEMS.length === 0) throw new Error('--systems: flotilla, etcd or both');
const NODE_MAIN = resolve(opts['node-main'] ?? '');
const PROFILE = opts.profile === true;
const PROFILE_CONCURRENCY = positiveInt('profile-concurrency', opts['profile-concurrency']);
const PROFILE_OUT = resolve(opts['profile-out'] ?? '');
const JSON_OUT = opts.json === true;
// Start-up, shut-down and per-step overhead on a loaded 2-core machine, plus the steps themselves.
const TIME_LIMIT_MS = Number(
  process.env['BENCH_TIMEOUT_MS'] ?? 60_000 + CONCURRENCY.length * SYSTEMS.length * (WARMUP_MS + MS + 8000),
);

/** Progress goes to stderr; stdout carries the report (or the JSON). */
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const warnings: string[] = [];
const warn = (line: string): void => {
  warnings.push(line);
  log(`warning: ${line}`);
};
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

// ---------------------------------------------------------------------------------------------
// teardown: everything registered here is undone in reverse order, once

const cleanups: { what: string; run: () => Promise<void> | void }[] = [];
let tearingDown: Promise<void> | undefined;
/** Set by SIGINT/SIGTERM: main's failure (its clients went away) is then expected, not reported. */
let interrupted: number | undefined;
function teardown(): Promise<void> {
  tearingDown ??= (async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c.run();
      } catch (e) {
        log(`teardown: ${c.what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  })();
  return tearingDown;
}
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  // `on`, not `once`: while this listener exists, the child reaper of @flotilla/testing leaves the
  // signal to us instead of killing the children and re-raising it (which would skip the rm).
  process.on(signal, () => {
    if (tearingDown) return;
    interrupted = code;
    log(`${signal}: tearing down`);
    void teardown().finally(() => process.exit(code));
  });
}
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.once(event, (e: unknown) => {
    log(`${event}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}; tearing down`);
    void teardown().finally(() => process.exit(1));
  });
}
const watchdog = setTimeout(() => {
  log(`time limit of ${TIME_LIMIT_MS} ms reached (BENCH_TIMEOUT_MS): tearing down`);
  void teardown().finally(() => process.exit(1));
}, TIME_LIMIT_MS);
watchdog.unref();

// ---------------------------------------------------------------------------------------------
// the clusters

interface Member {
  readonly id: string;
  readonly pid: number;
}

interface LeaderView {
  readonly leader: Member;
  readonly follower: Member;
  readonly term: number;
  readonly members: readonly Member[];
}

/** Counters read from a system at one instant. */
interface Reading {
  readonly commitIndex: number;
  /** Flotilla's own counters (Status), summed as noted; undefined for etcd. */
  readonly own?: OwnCounters;
}

interface OwnCounters {
  readonly leaderSyncs: number;
  readonly leaderSaves: number;
  readonly followerSyncs: number;
  readonly followerSaves: number;
  /** Raft messages sent by all three members, and by the leader alone. */
  readonly messagesSent: number;
  readonly leaderMessagesSent: number;
}

interface System {
  readonly name: LoadSystem;
  readonly endpoints: readonly string[];
  leaderView(): Promise<LeaderView>;
  read(view: LeaderView): Promise<Reading>;
}

class FlotillaCluster implements System {
  readonly name = 'flotilla';
  private readonly clients = new Map<string, raftV1.RaftNodeControlClient>();

  private constructor(
    readonly endpoints: readonly string[],
    private readonly children: ReadonlyMap<string, ChildProcess>,
  ) {
    IDS.forEach((id, i) =>
      this.clients.set(id, new raftV1.RaftNodeControlClient(endpoints[i]!, credentials.createInsecure())),
    );
  }

  static async start(root: string, profileDir: string | undefined): Promise<FlotillaCluster> {
    const ports = await freePorts(IDS.length);
    const endpoints = ports.map((p) => `127.0.0.1:${p}`);
    const children = new Map<string, ChildProcess>();
    const outputs = new Map<string, () => string>();
    const stopAll = async () => {
      // SIGTERM: a graceful stop, so that --cpu-prof writes its profile.
      await Promise.all([...children.values()].map((c) => stopChild(c, 'SIGTERM', 10_000)));
    };
    cleanups.push({ what: 'stop the Flotilla nodes', run: stopAll });
    IDS.forEach((id, i) => {
      const peers = IDS.flatMap((p, j) => (p === id ? [] : [`${p}=${endpoints[j]}`])).join(',');
      const dataDir = join(root, 'flotilla', id);
      mkdirSync(dataDir, { recursive: true });
      const nodeFlags = profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, id)] : [];
      const child = spawnTracked(process.execPath, [
        ...nodeFlags,
        NODE_MAIN,
        '--id',
        id,
        '--port',
        String(ports[i]),
        '--peers',
        peers,
        '--data-dir',
        dataDir,
      ]);
      children.set(id, child);
      outputs.set(id, captureOutput(child));
    });
    await Promise.all(
      IDS.map((id) =>
        waitFor(
          () => {
            const child = children.get(id)!;
            if (child.exitCode !== null || child.signalCode !== null)
              throw new Error(`flotilla node ${id} exited:\n${outputs.get(id)!()}`);
            return outputs.get(id)!().includes('"event":"listening"');
          },
          { timeoutMs: 30_000, what: `flotilla node ${id} to listen` },
        ),
      ),
    );
    const cluster = new FlotillaCluster(endpoints, children);
    cleanups.push({ what: 'close the Status clients', run: () => cluster.clients.forEach((c) => c.close()) });
    await waitFor(() => cluster.leaderView().then(() => true), {
      timeoutMs: 30_000,
      what: 'a Flotilla leader',
    });
    return cluster;
  }

  private status(id: string): Promise<raftV1.StatusResponse> {
    const client = this.clients.get(id)!;
    return new Promise((resolve, reject) =>
      client.status({}, new Metadata(), { deadline: Date.now() + 2000 }, (err, res) =>
        err ? reject(err) : resolve(res),
      ),
    );
  }

  async leaderView(): Promise<LeaderView> {
    const statuses = await Promise.all(IDS.map((id) => this.status(id)));
    const leader = statuses.filter((s) => s.role === 'leader').sort((a, b) => b.term - a.term)[0];
    if (!leader) throw new Error('no Flotilla leader');
    const member = (id: string): Member => ({ id, pid: this.children.get(id)?.pid ?? -1 });
    const followerId = IDS.find((id) => id !== leader.id)!;
    return {
      leader: member(leader.id),
      follower: member(followerId),
      term: leader.term,
      members: IDS.map(member),
    };
  }

  async read(view: LeaderView): Promise<Reading> {
    const [leader, follower, other] = await Promise.all([
      this.status(view.leader.id),
      this.status(view.follower.id),
      this.status(IDS.find((id) => id !== view.leader.id && id !== view.follower.id)!),
    ]);
    return { commitIndex: leader.commitIndex, own: ownCounters(leader, follower, other) };
  }
}

/**
 * COUNTERS — the one place that reads Flotilla's own cost counters from `Status`
 * (proto/flotilla/raft/v1/raft.proto: storage_syncs, storage_saves, messages_sent). They are read
 * by name, so this also runs against a node (and a generated client) from before the fields
 * existed; a node that does not fill them reports 0 (or nothing), which the report shows as "n/a"
 * (no growth over a window). Renamed fields: change COUNTER_FIELDS.
 */
const COUNTER_FIELDS = {
  syncs: 'storageSyncs',
  saves: 'storageSaves',
  messagesSent: 'messagesSent',
} as const;

function ownCounters(
  leader: raftV1.StatusResponse,
  follower: raftV1.StatusResponse,
  other: raftV1.StatusResponse,
): OwnCounters {
  const n = (s: raftV1.StatusResponse, field: keyof typeof COUNTER_FIELDS): number => {
    const v = (s as unknown as Partial<Record<string, unknown>>)[COUNTER_FIELDS[field]];
    return typeof v === 'number' && Number.isFinite(v) ? v : 0;
  };
  return {
    leaderSyncs: n(leader, 'syncs'),
    leaderSaves: n(leader, 'saves'),
    followerSyncs: n(follower, 'syncs'),
    followerSaves: n(follower, 'saves'),
    messagesSent: n(leader, 'messagesSent') + n(follower, 'messagesSent') + n(other, 'messagesSent'),
    leaderMessagesSent: n(leader, 'messagesSent'),
  };
}

class EtcdSystem implements System {
  readonly name = 'etcd';
  readonly endpoints: readonly string[];

  constructor(private readonly cluster: EtcdCluster) {
    this.endpoints = cluster.endpoints;
  }

  private async status(
    url: string,
  ): Promise<{ memberId: string; leader: string; raftIndex: number; raftTerm: number }> {
    const r = await etcdHttp(url, 'POST', '/v3/maintenance/status', {}, undefined, 2000);
    if (r.status !== 200) throw new Error(`etcd status ${url}: HTTP ${r.status} ${r.body}`);
    const body = JSON.parse(r.body) as {
      header?: { member_id?: string };
      leader?: string;
      raftIndex?: string;
      raftTerm?: string;
    };
    return {
      memberId: body.header?.member_id ?? '',
      leader: body.leader ?? '',
      raftIndex: Number(body.raftIndex ?? NaN),
      raftTerm: Number(body.raftTerm ?? NaN),
    };
  }

  async leaderView(): Promise<LeaderView> {
    const statuses = await Promise.all(this.cluster.members.map((m) => this.status(m.clientUrl)));
    const i = statuses.findIndex((s) => s.leader !== '' && s.leader !== '0' && s.leader === s.memberId);
    if (i < 0) throw new Error('no etcd leader');
    const member = (j: number): Member => ({
      id: this.cluster.members[j]!.name,
      pid: this.cluster.members[j]!.pid ?? -1,
    });
    const members = this.cluster.members.map((_, j) => member(j));
    return { leader: member(i), follower: member(i === 0 ? 1 : 0), term: statuses[i]!.raftTerm, members };
  }

  async read(view: LeaderView): Promise<Reading> {
    const leader = this.cluster.members.find((m) => m.name === view.leader.id)!;
    return { commitIndex: (await this.status(leader.clientUrl)).raftIndex };
  }
}

// ---------------------------------------------------------------------------------------------
// load clients

class LoadClient {
  private readonly waiters: { match: (e: LoadEvent) => boolean; resolve: (e: LoadEvent) => void }[] = [];
  private readonly child: ChildProcess;
  private readonly output: () => string;
  ready: Promise<LoadEvent>;

  constructor(
    readonly system: LoadSystem,
    endpoints: readonly string[],
  ) {
    const hosts = endpoints.map((e) => e.replace(/^https?:\/\//, ''));
    this.child = spawnTracked(
      process.execPath,
      [CLIENT, '--system', system, '--endpoints', hosts.join(',')],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    cleanups.push({
      what: `stop the ${system} load client`,
      run: () => stopChild(this.child, 'SIGTERM', 3000),
    });
    this.output = captureOutput(this.child);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      let event: LoadEvent;
      try {
        event = JSON.parse(line) as LoadEvent;
      } catch {
        return;
      }
      const i = this.waiters.findIndex((w) => w.match(event) || event.event === 'error');
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(event);
    });
    this.ready = this.next((e) => e.event === 'ready', 30_000);
  }

  /** The next event matching `match` (an `error` event rejects). */
  next(match: (e: LoadEvent) => boolean, timeoutMs: number): Promise<LoadEvent> {
    const p = new Promise<LoadEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.system} load client: no answer in ${timeoutMs} ms\n${this.output()}`));
      }, timeoutMs);
      const onExit = () => reject(new Error(`${this.system} load client exited\n${this.output()}`));
      this.child.once('exit', onExit);
      this.waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          this.child.off('exit', onExit);
          if (e.event === 'error') reject(new Error(`${this.system} load client: ${e.message}`));
          else resolve(e);
        },
      });
    });
    // A step awaits its events one after the other: a later one failing first is not unhandled.
    p.catch(() => undefined);
    return p;
  }

  send(command: object): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }
}

// ---------------------------------------------------------------------------------------------
// one step: load from the client, costs measured from outside during the window

interface Costs {
  readonly windowMs: number;
  /** Entries committed on the leader in the window (acknowledged to the client or not). */
  readonly commits: number;
  readonly commitsPerSec: number;
  readonly leaderSyncsPerCommit: number | null;
  readonly followerSyncsPerCommit: number | null;
  readonly peerSegmentsPerCommit: number;
  readonly peerBytesPerCommit: number;
  readonly leaderCpuUsPerCommit: number;
  readonly leaderCpuPercent: number;
  readonly followerCpuPercent: number;
  readonly machineBusyPercent: number;
  /** From Flotilla's own counters; null where not reported. */
  readonly own: {
    readonly leaderSyncsPerCommit: number | null;
    readonly followerSyncsPerCommit: number | null;
    readonly leaderSavesPerCommit: number | null;
    readonly followerSavesPerCommit: number | null;
    readonly messagesPerCommit: number | null;
    readonly leaderMessagesPerCommit: number | null;
  } | null;
}

interface StepOutcome {
  readonly result: StepResult;
  readonly costs: Costs | null;
  readonly leader: string;
  readonly leaderChanged: boolean;
}

interface Snapshot {
  readonly at: number;
  readonly reading: Reading;
  readonly traffic: Map<string, SocketCounters>;
  readonly leaderSyncs: number;
  readonly followerSyncs: number;
  readonly leaderCpu: number;
  readonly followerCpu: number;
  readonly machine: { busy: number; total: number };
}

async function snapshot(
  system: System,
  view: LeaderView,
  counters: readonly SyncCounter[],
): Promise<Snapshot> {
  const traffic = await peerTraffic(view.members.map((m) => m.pid));
  const [leaderCpu, followerCpu] = await Promise.all([
    processCpuMs(view.leader.pid),
    processCpuMs(view.follower.pid),
  ]);
  const machine = machineCpu();
  const reading = await system.read(view);
  return {
    at: monotonicMs(),
    reading,
    traffic,
    leaderSyncs: counters[0]?.total ?? NaN,
    followerSyncs: counters[1]?.total ?? NaN,
    leaderCpu,
    followerCpu,
    machine,
  };
}

function costsOf(a: Snapshot, b: Snapshot, perf: boolean): Costs {
  const commits = b.reading.commitIndex - a.reading.commitIndex;
  const windowMs = b.at - a.at;
  const per = (x: number): number => (commits > 0 ? x / commits : NaN);
  const traffic = trafficDelta(a.traffic, b.traffic);
  const grown = (x: number, y: number): number | null => (y - x > 0 ? per(y - x) : null);
  const ownA = a.reading.own;
  const ownB = b.reading.own;
  return {
    windowMs,
    commits,
    commitsPerSec: (commits / windowMs) * 1000,
    leaderSyncsPerCommit: perf ? per(b.leaderSyncs - a.leaderSyncs) : null,
    followerSyncsPerCommit: perf ? per(b.followerSyncs - a.followerSyncs) : null,
    peerSegmentsPerCommit: per(traffic.dataSegsOut),
    peerBytesPerCommit: per(traffic.bytesSent),
    leaderCpuUsPerCommit: per((b.leaderCpu - a.leaderCpu) * 1000),
    leaderCpuPercent: ((b.leaderCpu - a.leaderCpu) / windowMs) * 100,
    followerCpuPercent: ((b.followerCpu - a.followerCpu) / windowMs) * 100,
    machineBusyPercent: ((b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total)) * 100,
    own:
      ownA && ownB
        ? {
            leaderSyncsPerCommit: grown(ownA.leaderSyncs, ownB.leaderSyncs),
            followerSyncsPerCommit: grown(ownA.followerSyncs, ownB.followerSyncs),
            leaderSavesPerCommit: grown(ownA.leaderSaves, ownB.leaderSaves),
            followerSavesPerCommit: grown(ownA.followerSaves, ownB.followerSaves),
            messagesPerCommit: grown(ownA.messagesSent, ownB.messagesSent),
            leaderMessagesPerCommit: grown(ownA.leaderMessagesSent, ownB.leaderMessagesSent),
          }
        : null,
  };
}

async function runStep(
  system: System,
  client: LoadClient,
  concurrency: number,
  perf: boolean,
): Promise<StepOutcome> {
  const view = await system.leaderView();
  const measuring = client.next(
    (e) => e.event === 'measuring' && e.concurrency === concurrency,
    WARMUP_MS + 30_000,
  );
  const result = client.next(
    (e) => e.event === 'result' && e.concurrency === concurrency,
    WARMUP_MS + MS + 60_000,
  );
  client.send({ cmd: 'step', concurrency, warmupMs: WARMUP_MS, ms: MS });
  const started = (await measuring) as Extract<LoadEvent, { event: 'measuring' }>;
  let costs: Costs | null = null;
  const counters = perf ? [new SyncCounter(view.leader.pid), new SyncCounter(view.follower.pid)] : [];
  try {
    const attached = (await Promise.all(counters.map((c) => c.attached()))).every(Boolean);
    if (!attached) warn(`${system.name} c=${concurrency}: perf did not attach; no sync counts`);
    const a = await snapshot(system, view, counters);
    // End the cost window a little before the load window, so that it only sees full load.
    const end = started.at + MS - 100;
    if (end - a.at < MS / 4)
      warn(`${system.name} c=${concurrency}: cost window only ${(end - a.at).toFixed(0)} ms`);
    await sleep(end - monotonicMs());
    const b = await snapshot(system, view, counters);
    costs = costsOf(a, b, perf && attached);
  } finally {
    for (const c of counters) c.stop();
  }
  const r = (await result) as Extract<LoadEvent, { event: 'result' }>;
  const after = await system.leaderView().catch(() => undefined);
  const leaderChanged = after === undefined || after.leader.id !== view.leader.id || after.term !== view.term;
  if (leaderChanged) warn(`${system.name} c=${concurrency}: the leader changed during the step`);
  if (r.errors > 0) {
    const kinds = Object.entries(r.errorKinds).map(([k, n]) => `${k} x${n}`);
    warn(`${system.name} c=${concurrency}: ${r.errors} failed writes in the window (${kinds.join(', ')})`);
  }
  const { event, ...stepResult } = r;
  void event;
  return { result: stepResult, costs, leader: view.leader.id, leaderChanged };
}

// ---------------------------------------------------------------------------------------------
// report

const f = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(digits);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padStart(widths[c]!)).join('  ')).join('\n');
}

interface Row {
  concurrency: number;
  flotilla?: StepOutcome;
  etcd?: StepOutcome;
}

function report(rows: Row[], header: string[], profile: ProfileSummary | null): string {
  const out: string[] = [...header, ''];
  out.push(
    table([
      [
        'conc',
        'flotilla commits/s',
        'p50 ms',
        'p99 ms',
        'failed/s',
        'etcd puts/s',
        'p50 ms',
        'p99 ms',
        'failed/s',
        'thr F/E',
        'p99 F/E',
      ],
      ...rows.map((r) => {
        const a = r.flotilla?.result;
        const b = r.etcd?.result;
        return [
          String(r.concurrency),
          f(a?.opsPerSec),
          f(a?.p50, 2),
          f(a?.p99, 2),
          f(a ? a.errors / a.seconds : null),
          f(b?.opsPerSec),
          f(b?.p50, 2),
          f(b?.p99, 2),
          f(b ? b.errors / b.seconds : null),
          a && b ? f(a.opsPerSec / b.opsPerSec, 3) : 'n/a',
          a && b ? f(a.p99 / b.p99, 2) : 'n/a',
        ];
      }),
    ]),
  );
  out.push(
    '',
    'commits/s, p50, p99: writes acknowledged to the client in the window; failed/s: writes that returned an error',
    '',
    "cost of one commit, measured over each step from outside the servers: commits from the leader's commit index,",
    'perf: sync syscalls (fsync, fdatasync, sync_file_range); ss: TCP data segments and bytes between members; /proc: CPU',
  );
  const costRows: string[][] = [
    [
      'conc',
      'system',
      'commits/s (leader)',
      'leader syncs/commit',
      'follower syncs/commit',
      'peer segs/commit',
      'peer B/commit',
      'leader CPU µs/commit',
      'leader CPU %',
      'follower CPU %',
      'machine busy %',
      'client CPU %',
    ],
  ];
  for (const r of rows)
    for (const s of SYSTEMS) {
      const c = r[s]?.costs;
      if (!c) continue;
      costRows.push([
        String(r.concurrency),
        s,
        f(c.commitsPerSec),
        f(c.leaderSyncsPerCommit, 3),
        f(c.followerSyncsPerCommit, 3),
        f(c.peerSegmentsPerCommit, 2),
        f(c.peerBytesPerCommit, 0),
        f(c.leaderCpuUsPerCommit, 0),
        f(c.leaderCpuPercent, 0),
        f(c.followerCpuPercent, 0),
        f(c.machineBusyPercent, 0),
        f(r[s]?.result.clientCpuPercent, 0),
      ]);
    }
  out.push(table(costRows));
  const own = rows.filter((r) => {
    const o = r.flotilla?.costs?.own;
    return o && Object.values(o).some((v) => v !== null);
  });
  if (rows.some((r) => r.flotilla) && own.length === 0) {
    out.push(
      '',
      "Flotilla's own counters (Status storage_syncs, storage_saves, messages_sent): not reported by this node build",
    );
  } else if (own.length > 0) {
    out.push(
      '',
      "Flotilla's own counters (Status): per commit; n/a = the node does not report it (no growth)",
    );
    out.push(
      table([
        [
          'conc',
          'leader syncs',
          'follower syncs',
          'leader saves',
          'follower saves',
          'raft msgs (all)',
          'raft msgs (leader)',
        ],
        ...own.map((r) => {
          const o = r.flotilla!.costs!.own!;
          return [
            String(r.concurrency),
            f(o.leaderSyncsPerCommit, 3),
            f(o.followerSyncsPerCommit, 3),
            f(o.leaderSavesPerCommit, 3),
            f(o.followerSavesPerCommit, 3),
            f(o.messagesPerCommit, 3),
            f(o.leaderMessagesPerCommit, 3),
          ];
        }),
      ]),
    );
  }
  if (profile) {
    out.push(
      '',
      `Flotilla leader, main thread, c=${PROFILE_CONCURRENCY} window (${(profile.windowMs / 1000).toFixed(1)} s, ${profile.samples} samples): busy ${profile.busyPercent.toFixed(0)}% of a core`,
      table([
        ['area', '% of window', 'ms'],
        ...profile.areas.map((e) => [e.name, e.percent.toFixed(1), e.ms.toFixed(0)]),
      ]),
      '',
      'top self time',
      table([
        ['function', '%', 'ms'],
        ...profile.topSelf.map((e) => [e.name, e.percent.toFixed(1), e.ms.toFixed(0)]),
      ]),
      '',
      'top total (inclusive) time',
      table([
        ['function', '%', 'ms'],
        ...profile.topTotal.map((e) => [e.name, e.percent.toFixed(1), e.ms.toFixed(0)]),
      ]),
      '',
      '@flotilla/raft functions by total (inclusive) time',
      table([
        ['function', '%', 'ms'],
        ...profile.topRaft.map((e) => [e.name, e.percent.toFixed(1), e.ms.toFixed(0)]),
      ]),
      '',
      'main thread only (fsync/fdatasync run on libuv threads); % = share of the window on one core',
    );
  }
  if (warnings.length > 0) out.push('', 'warnings:', ...warnings.map((w) => `  - ${w}`));
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

function findProfile(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'));
  return files.length > 0 ? join(dir, files.sort().at(-1)!) : undefined;
}

async function main(): Promise<void> {
  if (SYSTEMS.includes('flotilla') && !existsSync(NODE_MAIN))
    throw new Error(`${NODE_MAIN} is missing: run npx nx run raft:build (or pass --node-main)`);
  if (!existsSync(CLIENT)) throw new Error(`${CLIENT} is missing: run npx nx run raft:build-bench`);
  const etcdVersion = SYSTEMS.includes('etcd')
    ? (/etcd Version: (\S+)/.exec(execFileSync(etcdBinary(), ['--version'], { encoding: 'utf8' }))?.[1] ??
      '?')
    : null;
  const perf = await perfAvailable();
  if (!perf)
    warn('perf cannot count syscall tracepoints here: sync counts come only from Flotilla Status counters');

  const root = mkdtempSync(join(process.env['BENCH_DIR'] ?? tmpdir(), 'flotilla-raft-bench-'));
  cleanups.push({ what: `remove ${root}`, run: () => rmSync(root, { recursive: true, force: true }) });
  if (statfsSync(root).type === TMPFS_MAGIC)
    warn(`${root} is on tmpfs: fsync costs nothing there (set BENCH_DIR)`);
  const probe = fsyncProbe(root);
  const loadBefore = loadavg();
  const profileDir = PROFILE ? join(root, 'profiles') : undefined;

  const systems = new Map<LoadSystem, System>();
  if (SYSTEMS.includes('flotilla')) {
    log('starting 3 Flotilla nodes ...');
    systems.set('flotilla', await FlotillaCluster.start(root, profileDir));
  }
  if (SYSTEMS.includes('etcd')) {
    log('starting 3 etcd members ...');
    const etcd = await startEtcdCluster({ size: 3, baseDir: root, startTimeoutMs: 30_000 });
    cleanups.push({ what: 'stop etcd', run: () => etcd.stop() });
    const system = new EtcdSystem(etcd);
    await waitFor(() => system.leaderView().then(() => true), { timeoutMs: 30_000, what: 'an etcd leader' });
    systems.set('etcd', system);
  }
  const clients = new Map<LoadSystem, LoadClient>();
  for (const [name, system] of systems) clients.set(name, new LoadClient(name, system.endpoints));
  for (const c of clients.values()) await c.ready;

  const rows: Row[] = [];
  let profileWindow: { leader: string; from: number; to: number } | undefined;
  for (const [i, concurrency] of CONCURRENCY.entries()) {
    const row: Row = { concurrency };
    // Alternate which system goes first, so that a trend in the machine's load hits both.
    const order = i % 2 === 0 ? SYSTEMS : [...SYSTEMS].reverse();
    for (const name of order) {
      log(`${name}: concurrency ${concurrency}, ${WARMUP_MS} ms warm-up + ${MS} ms ...`);
      const outcome = await runStep(systems.get(name)!, clients.get(name)!, concurrency, perf);
      row[name] = outcome;
      const r = outcome.result;
      log(
        `  ${r.opsPerSec.toFixed(0)} ops/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms (leader ${outcome.leader})`,
      );
      if (name === 'flotilla' && concurrency === PROFILE_CONCURRENCY)
        profileWindow = { leader: outcome.leader, from: r.windowStart, to: r.windowEnd };
    }
    rows.push(row);
  }
  const loadAfter = loadavg();

  // The profiles are written when the nodes exit: stop them first (teardown would do it too).
  let profile: ProfileSummary | null = null;
  if (PROFILE && profileDir && systems.has('flotilla')) {
    for (const c of clients.values()) c.send({ cmd: 'exit' });
    const stop = cleanups.find((c) => c.what === 'stop the Flotilla nodes');
    await stop?.run();
    if (!profileWindow) warn(`no Flotilla step at --profile-concurrency ${PROFILE_CONCURRENCY}: no profile`);
    else {
      const file = findProfile(join(profileDir, profileWindow.leader));
      if (!file) warn(`no CPU profile written by the leader ${profileWindow.leader}`);
      else {
        profile = summarizeProfile(file, profileWindow.from, profileWindow.to);
        if (profile.samples === 0) warn('the profile has no samples in the step window');
        mkdirSync(dirname(PROFILE_OUT), { recursive: true });
        copyFileSync(file, PROFILE_OUT);
        log(`leader profile (whole run; open in Chrome DevTools or speedscope): ${PROFILE_OUT}`);
      }
    }
  }

  const date = new Date().toISOString();
  const header = [
    `Flotilla Raft vs etcd ${etcdVersion ?? '(not run)'}, 3 processes each, loopback, ${date}`,
    `node ${process.version}, ${cpus().length} CPUs, load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(1)).join(' ')} after`,
    `writes to the leader only, from a separate client process: Flotilla Propose (256-byte command), etcd put (256-byte value)`,
    `${WARMUP_MS} ms warm-up + ${MS} ms measured per step; data dirs on ${root} (fdatasync of 256 bytes: p50 ${probe.p50.toFixed(2)} ms, p99 ${probe.p99.toFixed(2)} ms)`,
    `Flotilla: raft-node-main defaults (tick 100 ms, snapshot every 1000 entries), FileStorage fsync on; etcd: defaults (fsync on, snapshot-count 100000)${PROFILE ? '; Flotilla nodes under --cpu-prof' : ''}`,
  ];
  const text = report(rows, header, profile);
  if (JSON_OUT) {
    log(text);
    const json = {
      date,
      node: process.version,
      etcdVersion,
      cpus: cpus().length,
      loadavg: { before: loadBefore, after: loadAfter },
      settings: {
        nodeMain: NODE_MAIN,
        ms: MS,
        warmupMs: WARMUP_MS,
        concurrency: CONCURRENCY,
        systems: SYSTEMS,
        commandBytes: 256,
        profile: PROFILE,
      },
      fsyncProbe: probe,
      steps: rows.map((r) => ({
        concurrency: r.concurrency,
        flotilla: r.flotilla ?? null,
        etcd: r.etcd ?? null,
        ratios:
          r.flotilla && r.etcd
            ? {
                throughput: r.flotilla.result.opsPerSec / r.etcd.result.opsPerSec,
                p99: r.flotilla.result.p99 / r.etcd.result.p99,
              }
            : null,
      })),
      profile,
      warnings,
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else process.stdout.write(`${text}\n`);
}

main()
  .catch((e: unknown) => {
    if (interrupted === undefined)
      log(`cluster-vs-etcd failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = interrupted ?? 1;
  })
  .finally(async () => {
    await teardown();
    clearTimeout(watchdog);
    process.exit(interrupted ?? process.exitCode ?? 0);
  });
