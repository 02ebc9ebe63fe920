import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { etcdBinary } from './etcd-binary.js';
import { type EtcdCluster, startEtcdCluster } from './etcd-cluster.js';
import { etcdGet, etcdPut } from './etcd-http.js';
import { createTestCertificates } from './test-certificates.js';
import { isProcessAlive } from '../process-state.js';
import { waitFor } from '../wait-for.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

const alive = isProcessAlive;

describe('startEtcdCluster', () => {
  let cluster: EtcdCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('starts a single member on a loopback port other than 2379 and removes everything on stop', async () => {
    cluster = await startEtcdCluster({ size: 1 });
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

  it('serves https only, with a throwaway CA and required client certificates, when tls is set', async () => {
    cluster = await startEtcdCluster({ size: 1, tls: true });
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

  it('keeps a three-member cluster serving when one member is killed mid-test, and restarts it', async () => {
    cluster = await startEtcdCluster({ size: 3 });
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
    'leaves no etcd behind when the owning process dies (%s) without stopping',
    async (how) => {
      const script = join(here, 'fixtures', 'abandon-cluster.mjs');
      const result = await run(process.execPath, [script, '3', how]).catch(
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
          what: 'abandoned etcd members to die',
        });
        expect(report.pids.filter(alive)).toEqual([]);
      } finally {
        // The owner died before stop(), so its temp dir (the data dirs' parent) is left to us.
        rmSync(dirname(report.dataDir), { recursive: true, force: true });
      }
    },
  );

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
});
