import { credentials, status } from '@grpc/grpc-js';
import { GreeterClient } from '@flotilla/proto';
import { type EtcdCluster, REGISTRY_BINARIES, startEtcdCluster } from '@flotilla/testing';
import { createDiscovery, type Discovery } from '../discovery.js';
import { greeterClient, sayHello, startInProcessGreeter } from '../test-support/in-process-greeter.js';
import { etcdChannelOptions, registerEtcdResolver } from './resolver-etcd.js';

describe.each(REGISTRY_BINARIES)(
  'each channel resolves etcd:/// through its own Discovery (%s)',
  (binary) => {
    let cluster: EtcdCluster;
    const cleanups: (() => Promise<unknown>)[] = [];

    beforeAll(async () => {
      cluster = await startEtcdCluster({ binary, size: 1 });
    });
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      await cluster?.stop();
    });

    it('keeps two applications apart: same service name, different registries (prefixes)', async () => {
      const discoveries: Discovery[] = [];
      for (const prefix of ['apps/a', 'apps/b']) {
        const discovery = await createDiscovery({ endpoints: cluster.endpoints, prefix });
        cleanups.push(() => discovery.close());
        const server = await startInProcessGreeter(prefix);
        cleanups.push(() => server.close());
        const registration = await discovery.register({
          service: 'svc',
          instanceId: 'i',
          address: server.address,
        });
        cleanups.push(() => registration.deregister());
        discoveries.push(discovery);
      }
      const [a, b] = discoveries as [Discovery, Discovery];
      const clientA = new GreeterClient('etcd:///svc', credentials.createInsecure(), etcdChannelOptions(a));
      cleanups.push(async () => clientA.close());
      // The process-wide default moves to b afterwards; a's channel does not follow it.
      registerEtcdResolver(b);
      const clientB = new GreeterClient('etcd:///svc', credentials.createInsecure(), etcdChannelOptions(b));
      const clientDefault = greeterClient('etcd:///svc');
      cleanups.push(
        async () => clientB.close(),
        async () => clientDefault.close(),
      );
      for (let i = 0; i < 3; i++) {
        expect((await sayHello(clientA, 'x')).message).toBe('Hello x from apps/a');
        expect((await sayHello(clientB, 'x')).message).toBe('Hello x from apps/b');
        expect((await sayHello(clientDefault, 'x')).message).toBe('Hello x from apps/b');
      }
    });

    it('says why a channel cannot resolve once its Discovery is closed, instead of trying DNS', async () => {
      const discovery = await createDiscovery({ endpoints: cluster.endpoints, prefix: 'apps/closed' });
      const options = etcdChannelOptions(discovery);
      await discovery.close();
      const client = new GreeterClient('etcd:///svc', credentials.createInsecure(), options);
      try {
        await expect(sayHello(client, 'x', 1000)).rejects.toMatchObject({
          code: status.UNAVAILABLE,
          details: expect.stringContaining(
            `etcd:///svc: the Discovery of this channel (${discovery.id}) is closed`,
          ),
        });
      } finally {
        client.close();
      }
    });
  },
);
