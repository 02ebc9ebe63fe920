import type { ChildProcess } from 'node:child_process';
import {
  captureOutput,
  type EtcdCluster,
  etcdBinary,
  freePort,
  REGISTRY_BINARIES,
  spawnTracked,
  startEtcdCluster,
  stopChild,
  waitFor,
} from '@flotilla/testing';
import { createDiscovery, type Discovery } from '../discovery.js';
import { etcdctl } from '../test-support/etcdctl.js';

describe.each(REGISTRY_BINARIES)('service watcher recovery (%s)', (binary) => {
  let cluster: EtcdCluster;
  let proxy: ChildProcess | undefined;
  let proxyUrl: string;
  let discovery: Discovery | undefined;

  // The watcher talks to etcd through etcd's own gRPC proxy, so the test can cut it off from
  // etcd (stop the proxy) while the data moves on and is compacted behind its back. The proxy is
  // etcd's binary for either backend: it is just a v3 gRPC client of the cluster.
  async function startProxy(port: number): Promise<void> {
    proxy = spawnTracked(etcdBinary(), [
      'grpc-proxy',
      'start',
      '--endpoints',
      cluster.endpoints.join(','),
      '--listen-addr',
      `127.0.0.1:${port}`,
    ]);
    const output = captureOutput(proxy);
    await waitFor(async () => (await fetch(`${proxyUrl}/health`, { signal: AbortSignal.timeout(500) })).ok, {
      timeoutMs: 10_000,
      what: `the etcd grpc-proxy on ${port}: ${output()}`,
    });
  }

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary, size: 1 });
  });
  afterAll(async () => {
    await discovery?.close();
    if (proxy) await stopChild(proxy, 'SIGKILL');
    await cluster?.stop();
  });

  it('keeps the last set while cut off, then lists again when its resume revision was compacted', async () => {
    const port = await freePort();
    proxyUrl = `http://127.0.0.1:${port}`;
    await startProxy(port);
    const put = (id: string) =>
      etcdctl(
        cluster.endpoints,
        'put',
        `flotilla/services/cmp/${id}`,
        `{"Op":0,"Addr":"127.0.0.1:${id.length + 9000}","Metadata":null}`,
      );
    await put('a');
    discovery = await createDiscovery({ endpoints: [proxyUrl] });
    let latest: string[] = [];
    const unsubscribe = discovery.subscribe('cmp', (set) => (latest = set.map((e) => e.instanceId)));
    await waitFor(() => latest.join() === 'a', { timeoutMs: 5000, what: 'the initial set' });

    await stopChild(proxy!, 'SIGKILL');
    // While cut off: the set changes, and the history the watcher would resume from is compacted away.
    await etcdctl(cluster.endpoints, 'del', 'flotilla/services/cmp/a');
    await put('bb');
    // host:port, not http://host:port: etcdctl's `endpoint status` sends the endpoint as :authority,
    // and Node's HTTP/2 server (flotilla-store's) resets a stream whose :authority contains '/'.
    const hosts = cluster.endpoints.map((e) => new URL(e).host);
    const status = JSON.parse(await etcdctl(hosts, 'endpoint', 'status', '-w', 'json')) as {
      Status: { header: { revision: number } };
    }[];
    await etcdctl(cluster.endpoints, 'compact', String(status[0]!.Status.header.revision));
    expect(latest).toEqual(['a']); // stale but serving

    await startProxy(port);
    await waitFor(() => latest.join() === 'bb', {
      timeoutMs: 10_000,
      what: `the re-listed set (now ${latest.join()})`,
    });
    unsubscribe();
  });
});
