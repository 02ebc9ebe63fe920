import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCertificates, type EtcdCluster, startEtcdCluster } from '@flotilla/testing';
import { createDiscovery, type Discovery } from './discovery.js';
import { EtcdUnavailableError } from './errors.js';
import { etcdctlGetPrefix } from './test-support/etcdctl.js';
import { exerciseDiscovery } from './test-support/exercise-discovery.js';

// etcd only: flotilla-store has no TLS yet.
describe('discovery against etcd over TLS with client certificates', () => {
  let cluster: EtcdCluster | undefined;
  let otherCaDir: string | undefined;
  const discoveries: Discovery[] = [];

  beforeAll(async () => {
    otherCaDir = mkdtempSync(join(tmpdir(), 'flotilla-other-ca-'));
    cluster = await startEtcdCluster({ binary: 'etcd', size: 3, tls: true });
  });
  afterAll(async () => {
    for (const d of discoveries.splice(0)) await d.close().catch(() => undefined);
    await cluster?.stop();
    if (otherCaDir) rmSync(otherCaDir, { recursive: true, force: true });
  });

  const connect = async (...args: Parameters<typeof createDiscovery>) => {
    const discovery = await createDiscovery(...args);
    discoveries.push(discovery);
    return discovery;
  };

  it('registers, lists, watches and resolves through https endpoints with a CA and client certificate', async () => {
    const { ca, cert, key, caFile, certFile, keyFile } = cluster!.tls!;
    expect(cluster!.endpoints.every((e) => e.startsWith('https://127.0.0.1:'))).toBe(true);
    const discovery = await connect({
      endpoints: cluster!.endpoints,
      tls: { ca, cert, key },
      connectTimeoutMs: 3000,
    });
    await exerciseDiscovery(discovery, 'tls-greeter', 'etcd-tls');

    // What it wrote is plain etcd data, as etcdctl over TLS sees it.
    const registration = await discovery.register({
      service: 'tls-json',
      instanceId: 't-1',
      address: '127.0.0.1:7001',
    });
    const pairs = await etcdctlGetPrefix(cluster!.endpoints, 'flotilla/services/tls-json/', [
      `--cacert=${caFile}`,
      `--cert=${certFile}`,
      `--key=${keyFile}`,
    ]);
    expect(pairs.map((p) => p.key)).toEqual(['flotilla/services/tls-json/t-1']);
    await registration.deregister();
  });

  it('accepts the CA and client certificate as PEM strings too', async () => {
    const { ca, cert, key } = cluster!.tls!;
    const discovery = await connect({
      endpoints: cluster!.endpoints.join(','),
      tls: { ca: ca.toString('utf8'), cert: cert.toString('utf8'), key: key.toString('utf8') },
      connectTimeoutMs: 3000,
    });
    expect(await discovery.list('nobody')).toEqual([]);
  });

  it('fails start-up within connectTimeoutMs, naming the endpoints, when the CA did not sign the servers', async () => {
    const other = await createTestCertificates(otherCaDir!);
    const { cert, key } = cluster!.tls!;
    const started = Date.now();
    const failure = await createDiscovery({
      endpoints: cluster!.endpoints,
      tls: { ca: other.ca, cert, key },
      connectTimeoutMs: 1500,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500 + 1000);
    expect(failure).toBeInstanceOf(EtcdUnavailableError);
    expect((failure as EtcdUnavailableError).endpoints).toEqual(cluster!.endpoints);
    expect((failure as Error).message).toContain(`tried ${cluster!.endpoints.join(', ')}`);
    // The TLS error itself, not just "unreachable".
    expect((failure as Error).message).toMatch(/unable to verify the first certificate/);
  });

  it('fails start-up the same way without a client certificate', async () => {
    const started = Date.now();
    const failure = await createDiscovery({
      endpoints: cluster!.endpoints,
      tls: { ca: cluster!.tls!.ca },
      connectTimeoutMs: 1500,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500 + 1000);
    expect(failure).toBeInstanceOf(EtcdUnavailableError);
    expect((failure as Error).message).toContain(`tried ${cluster!.endpoints.join(', ')}`);
    expect((failure as Error).message).toMatch(/certificate/);
  });
});
