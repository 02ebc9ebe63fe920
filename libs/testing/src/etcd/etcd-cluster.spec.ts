import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { etcdBinary } from './etcd-binary.js';
import { type EtcdCluster, startEtcdCluster } from './etcd-cluster.js';
import { etcdGet, etcdPut } from './etcd-grpc.js';
import { REGISTRY_BINARIES, registryBinary, storeMain } from './registry-binary.js';
import { createTestCertificates } from './test-certificates.js';
import { isProcessAlive } from '../process-state.js';
import { waitFor } from '../wait-for.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

const alive = isProcessAlive;

describe.each(REGISTRY_BINARIES)('startEtcdCluster with binary %s', (binary) => {
  let cluster: EtcdCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('starts a single member on a loopback port other than 2379 and removes everything on stop', async () => {
    cluster = await startEtcdCluster({ binary, size: 1 });
    expect(cluster.binary).toBe(binary);
    const [member] = cluster.members;
    expect(member!.clientUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(member!.clientUrl).not.toMatch(/:(2379|2380)$/);
    await etcdPut(member!.clientUrl, 'k', 'v');
    expect(await etcdGet(member!.clientUrl, 'k')).toBe('v');
    const pid = member!.pid;
    const dataDir = member!.dataDir;
    await cluster.stop();
    expect(alive(pid)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('keeps a three-member cluster serving when one member is killed mid-test, and restarts it', async () => {
    cluster = await startEtcdCluster({ binary, size: 3 });
    const [m0, m1, m2] = cluster.members;
    await etcdPut(m0!.clientUrl, 'before', '1');

    const killedPid = m1!.pid;
    await cluster.kill(1);
    expect(alive(killedPid)).toBe(false);
    expect(m1!.running).toBe(false);

    // Two of three is still a quorum: once a leader is (re-)elected, writes and linearizable reads go on.
    await cluster.waitHealthy();
    await etcdPut(m2!.clientUrl, 'during', '2');
    expect(await etcdGet(m0!.clientUrl, 'during')).toBe('2');

    await cluster.restart(1);
    expect(m1!.running).toBe(true);
    expect(await etcdGet(m1!.clientUrl, 'before')).toBe('1');
    expect(await etcdGet(m1!.clientUrl, 'during')).toBe('2');

    const pids = cluster.members.map((m) => m.pid);
    await cluster.stop();
    expect(pids.filter(alive)).toEqual([]);
  });

  it.each(['throw', 'exit'])(
    'leaves no member behind when the owning process dies (%s) without stopping',
    async (how) => {
      const script = join(here, 'fixtures', 'abandon-cluster.mjs');
      const result = await run(process.execPath, [script, '3', how, binary]).catch(
        (error: { stdout: string; code: number }) => error,
      );
      const report = JSON.parse(String(result.stdout).trim().split('\n')[0]!) as {
        pids: number[];
        dataDir: string;
      };
      try {
        expect(report.pids).toHaveLength(3);
        // The exit hook sends SIGKILL as the owner dies; the kernel finishes the kills a moment later.
        await waitFor(() => report.pids.filter(alive).length === 0, {
          timeoutMs: 2000,
          what: `abandoned ${binary} members to die`,
        });
        expect(report.pids.filter(alive)).toEqual([]);
      } finally {
        // The owner died before stop(), so its temp dir (the data dirs' parent) is left to us.
        rmSync(dirname(report.dataDir), { recursive: true, force: true });
      }
    },
  );
});

describe('startEtcdCluster', () => {
  let cluster: EtcdCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  // etcd only: flotilla-store has no TLS yet.
  it('serves https only, with a throwaway CA and required client certificates, when tls is set', async () => {
    cluster = await startEtcdCluster({ binary: 'etcd', size: 1, tls: true });
    const [member] = cluster.members;
    const tls = cluster.tls!;
    expect(member!.clientUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(cluster.endpoints).toEqual([member!.clientUrl]);
    expect(tls.ca.toString()).toContain('BEGIN CERTIFICATE');
    expect(tls.key.toString()).toContain('PRIVATE KEY');
    await etcdPut(member!.clientUrl, 'k', 'tls', tls);
    expect(await etcdGet(member!.clientUrl, 'k', tls)).toBe('tls');
    // Without a client certificate, or trusting another CA, the handshake fails.
    await expect(etcdGet(member!.clientUrl, 'k', { ca: tls.ca })).rejects.toThrow();
    const elsewhere = mkdtempSync(join(tmpdir(), 'flotilla-other-ca-'));
    try {
      const other = await createTestCertificates(elsewhere);
      await expect(etcdGet(member!.clientUrl, 'k', { ...tls, ca: other.ca })).rejects.toThrow(
        /self[- ]signed|unable to verify|unknown ca/i,
      );
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    const files = [tls.caFile, tls.certFile, tls.keyFile];
    expect(files.every((f) => existsSync(f))).toBe(true);
    await cluster.stop();
    expect(files.filter((f) => existsSync(f))).toEqual([]);
  });

  it('rejects a bad size and names a missing binary', async () => {
    await expect(startEtcdCluster({ size: 0 })).rejects.toThrow(/size must be a positive integer, got 0/);
    const saved = process.env['ETCD_BIN'];
    process.env['ETCD_BIN'] = '/nonexistent/etcd';
    try {
      expect(() => etcdBinary()).toThrow(/etcd not found \("\/nonexistent\/etcd"\).*ensure-etcd\.sh/);
    } finally {
      if (saved === undefined) delete process.env['ETCD_BIN'];
      else process.env['ETCD_BIN'] = saved;
    }
  });

  it('refuses tls with flotilla-store, which has no TLS yet, before starting anything', async () => {
    await expect(startEtcdCluster({ binary: 'flotilla-store', tls: true })).rejects.toThrow(
      "tls needs binary 'etcd'; flotilla-store has no TLS yet",
    );
  });

  it('takes the default binary from FLOTILLA_REGISTRY_BINARY and names the choices for a bad one', () => {
    expect(registryBinary(undefined, {})).toBe('etcd');
    expect(registryBinary(undefined, { FLOTILLA_REGISTRY_BINARY: 'flotilla-store' })).toBe('flotilla-store');
    expect(registryBinary('etcd', { FLOTILLA_REGISTRY_BINARY: 'flotilla-store' })).toBe('etcd');
    expect(() => registryBinary(undefined, { FLOTILLA_REGISTRY_BINARY: 'zookeeper' })).toThrow(
      "unknown registry FLOTILLA_REGISTRY_BINARY=zookeeper: expected 'etcd' or 'flotilla-store'",
    );
  });

  it('finds the built flotilla-store from its own location, and names the build command when it is missing', () => {
    expect(storeMain()).toMatch(/\/apps\/store\/dist\/main\.js$/);
    const fakeRoot = mkdtempSync(join(tmpdir(), 'flotilla-no-store-build-'));
    try {
      mkdirSync(join(fakeRoot, 'apps', 'store'), { recursive: true });
      writeFileSync(
        join(fakeRoot, 'apps', 'store', 'package.json'),
        JSON.stringify({ bin: { 'flotilla-store': './dist/main.js' } }),
      );
      mkdirSync(join(fakeRoot, 'libs', 'testing', 'src', 'etcd'), { recursive: true });
      expect(() => storeMain(join(fakeRoot, 'libs', 'testing', 'src', 'etcd'))).toThrow(
        `flotilla-store is not built (${join(fakeRoot, 'apps', 'store', 'dist', 'main.js')} is missing): run \`npx tsc -b apps/store/tsconfig.lib.json\``,
      );
    } finally {
      rmSync(fakeRoot, { recursive: true, force: true });
    }
  });
});
