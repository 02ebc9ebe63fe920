import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureOutput, exited, spawnTracked, stopChild } from '../child-processes.js';
import { freePorts } from '../ports.js';
import { waitFor } from '../wait-for.js';
import { etcdUnhealthyReason } from './etcd-grpc.js';
import { registryBinary, registryCommand, type RegistryBinary } from './registry-binary.js';
import { ownedDirPrefix, removeStaleDataDirs } from './stale-dirs.js';
import { createTestCertificates, type TestCertificates } from './test-certificates.js';

export interface EtcdClusterOptions {
  /**
   * The server to run: 'etcd' (the `etcd` on PATH or $ETCD_BIN) or 'flotilla-store'
   * (`node <repo>/apps/store/dist/main.js`; build it with `npx tsc -b apps/store/tsconfig.lib.json`).
   * Both get the same etcd flags and serve the same v3 gRPC API. Default: $FLOTILLA_REGISTRY_BINARY,
   * else 'etcd'.
   */
  binary?: RegistryBinary;
  /** Members: 1 or 3 (any odd number works). */
  size?: number;
  /**
   * `--heartbeat-interval` and `--election-timeout`, ms. Default 100 and 1000, etcd's own defaults,
   * given explicitly so that both binaries run on the same timing (flotilla-store's defaults are shorter).
   */
  heartbeatIntervalMs?: number;
  electionTimeoutMs?: number;
  /** How long start() and restart() wait for health. */
  startTimeoutMs?: number;
  /** Keep data dirs under this folder instead of a fresh temp dir (it is still removed on stop). */
  baseDir?: string;
  /**
   * Serve clients over https only, with a throwaway CA and certificates made by `openssl` in the
   * cluster's temp dir, and require client certificates (`--client-cert-auth`). Peers stay on http.
   * The CA and client certificate are on `cluster.tls`. Default false. etcd only: flotilla-store has
   * no TLS yet, so `tls` with `binary: 'flotilla-store'` is an error.
   */
  tls?: boolean;
}

export interface EtcdMember {
  readonly name: string;
  /** e.g. `http://127.0.0.1:41234` (`https://` for a TLS cluster) */
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** True while the member's process is alive. */
  readonly running: boolean;
  readonly pid: number | undefined;
  /** What the member printed (last 64 KiB), for failure messages. */
  output(): string;
}

export interface EtcdCluster {
  /** Which server the members run. */
  readonly binary: RegistryBinary;
  readonly members: readonly EtcdMember[];
  /** Client URLs of every member, e.g. for the etcd3 client's `hosts`. */
  readonly endpoints: string[];
  /**
   * For `tls: true` clusters: the CA that signed the members' certificate (SAN IP:127.0.0.1) and a
   * client certificate it accepts, as PEM buffers and as file paths (for etcdctl). Otherwise undefined.
   * The files live in the cluster's temp dir and go with `stop()`.
   */
  readonly tls: TestCertificates | undefined;
  /** Kills member `i` (SIGKILL by default) and waits for it to exit. Its data dir is kept. */
  kill(i: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts member `i` again from its data dir and waits until it reports healthy. */
  restart(i: number): Promise<void>;
  /** Waits until every running member reports healthy. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Kills every member and removes the data dirs. Safe to call twice. */
  stop(): Promise<void>;
}

interface MemberState {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  process: ChildProcess | undefined;
  output: () => string;
}

/**
 * Starts a throwaway etcd cluster on free loopback ports (never 2379/2380) with temporary data dirs,
 * and waits until it is healthy. It runs real etcd or flotilla-store (`binary`, default from
 * $FLOTILLA_REGISTRY_BINARY, else 'etcd') with the same flags. "Healthy" is what etcd's /health
 * checks, asked over gRPC: a known leader, no alarm and a linearizable read. With `tls: true` (etcd
 * only) clients must use https and a client certificate (`cluster.tls`); the health probe does the
 * same. Always call `stop()` (e.g. in `afterAll`); a process-exit hook kills the members anyway if
 * the caller dies first.
 */
export async function startEtcdCluster(options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  const size = options.size ?? 1;
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`etcd cluster size must be a positive integer, got ${size}`);
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const binary = registryBinary(options.binary);
  if (options.tls && binary !== 'etcd') {
    throw new Error(
      `startEtcdCluster: tls needs binary 'etcd'; ${binary} has no TLS yet (it serves http:// only)`,
    );
  }
  const heartbeatMs = options.heartbeatIntervalMs ?? 100;
  const electionMs = options.electionTimeoutMs ?? 1000;
  const { command, args: commandArgs } = registryCommand(binary);
  const base = options.baseDir ?? tmpdir();
  removeStaleDataDirs(base);
  const root = mkdtempSync(join(base, ownedDirPrefix()));
  let tls: TestCertificates | undefined;
  let ports: number[];
  try {
    tls = options.tls ? await createTestCertificates(root) : undefined;
    ports = await freePorts(size * 2);
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const scheme = tls ? 'https' : 'http';
  const clientUrl = (m: MemberState) => `${scheme}://127.0.0.1:${m.clientPort}`;
  const token = `flotilla-${process.pid}-${Date.now()}`;
  const members: MemberState[] = Array.from({ length: size }, (_, i) => ({
    name: `m${i}`,
    clientPort: ports[2 * i] ?? 0,
    peerPort: ports[2 * i + 1] ?? 0,
    dataDir: join(root, `m${i}`),
    process: undefined,
    output: () => '',
  }));
  const initialCluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');

  const tlsFlags = tls
    ? [
        '--cert-file',
        tls.serverCertFile,
        '--key-file',
        tls.serverKeyFile,
        '--trusted-ca-file',
        tls.caFile,
        '--client-cert-auth',
      ]
    : [];

  const launch = (m: MemberState): void => {
    const child = spawnTracked(command, [
      ...commandArgs,
      ...tlsFlags,
      '--name',
      m.name,
      '--data-dir',
      m.dataDir,
      '--listen-client-urls',
      clientUrl(m),
      '--advertise-client-urls',
      clientUrl(m),
      '--listen-peer-urls',
      `http://127.0.0.1:${m.peerPort}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${m.peerPort}`,
      '--initial-cluster',
      initialCluster,
      '--initial-cluster-token',
      token,
      '--initial-cluster-state',
      'new',
      '--heartbeat-interval',
      String(heartbeatMs),
      '--election-timeout',
      String(electionMs),
      '--logger',
      'zap',
      '--log-level',
      'warn',
    ]);
    m.process = child;
    m.output = captureOutput(child);
  };

  const exitedError = (m: MemberState): Error | undefined => {
    const child = m.process;
    if (child && child.exitCode === null && child.signalCode === null) return undefined;
    return new Error(
      `${binary} member ${m.name} exited (code ${child?.exitCode}, signal ${child?.signalCode}):\n${m.output()}`,
    );
  };

  const waitMember = async (m: MemberState, timeoutMs: number): Promise<void> => {
    let died: Error | undefined;
    await waitFor(
      async () => {
        died = exitedError(m);
        if (died) return true; // stop polling; thrown below with the member's output
        const reason = await etcdUnhealthyReason(clientUrl(m), tls, 1000);
        if (reason !== undefined) throw new Error(reason);
        return true;
      },
      {
        timeoutMs,
        intervalMs: 50,
        what: `${binary} member ${m.name} on ${clientUrl(m)} to become healthy`,
      },
    );
    if (died) throw died;
  };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(members.map((m) => (m.process ? stopChild(m.process, 'SIGKILL') : undefined)));
    rmSync(root, { recursive: true, force: true });
  };

  const view = (m: MemberState): EtcdMember => ({
    name: m.name,
    clientUrl: clientUrl(m),
    peerUrl: `http://127.0.0.1:${m.peerPort}`,
    dataDir: m.dataDir,
    get running() {
      return m.process !== undefined && m.process.exitCode === null && m.process.signalCode === null;
    },
    get pid() {
      return m.process?.pid;
    },
    output: () => m.output(),
  });

  const member = (i: number): MemberState => {
    const m = members[i];
    if (!m) throw new Error(`no ${binary} member ${i}; the cluster has ${size}`);
    return m;
  };

  try {
    members.forEach(launch);
    await Promise.all(members.map((m) => waitMember(m, startTimeoutMs)));
  } catch (error) {
    await stop();
    throw error;
  }

  const kill = async (i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const m = member(i);
    if (!m.process) return;
    const done = exited(m.process);
    m.process.kill(signal);
    await done;
  };

  return {
    binary,
    members: members.map(view),
    endpoints: members.map(clientUrl),
    tls,
    kill,
    async restart(i) {
      const m = member(i);
      await kill(i);
      launch(m);
      await waitMember(m, startTimeoutMs);
    },
    async waitHealthy(timeoutMs = startTimeoutMs) {
      await Promise.all(
        members
          .filter((m) => m.process?.exitCode === null && m.process.signalCode === null)
          .map((m) => waitMember(m, timeoutMs)),
      );
    },
    stop,
  };
}
