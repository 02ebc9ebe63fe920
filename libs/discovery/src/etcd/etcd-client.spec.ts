import { GRPCCancelledError } from 'etcd3';
import { type EtcdCluster, REGISTRY_BINARIES, startEtcdCluster } from '@flotilla/testing';
import { connectEtcd, type EtcdConnection } from './etcd-client.js';

/** What etcd3 keeps private and the race below goes through: its pool marks a host failed. */
interface Pool {
  hosts: unknown[];
  markFailed(host: unknown, error: Error): void;
}

describe.each(REGISTRY_BINARIES)('etcd client tuning on %s', (binary) => {
  let cluster: EtcdCluster;
  let connection: EtcdConnection | undefined;

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary, size: 1 });
  });
  afterAll(async () => {
    connection?.close();
    await cluster?.stop();
  });

  // etcd3 cancels its own watch stream when the last watcher goes, marks the host failed for that
  // CANCELLED and closes the host's channels: a call that was just starting on them fails with
  // "Channel closed before call started". Its retry must not then meet a breaker opened by the
  // CANCELLED. (Seen as a flaky list() right after a watch ended; faster servers hit it more.)
  it('retries a call cut off by etcd3 resetting the host after it cancelled its own stream', async () => {
    connection = await connectEtcd({ endpoints: cluster.endpoints, connectTimeoutMs: 3000 });
    const { client } = connection;
    const pool = (client as unknown as { pool: Pool }).pool;
    const range = () => client.get('flotilla/none').string();
    // The reset lands at different points of the call's start-up.
    const pauses: (() => Promise<unknown>)[] = [
      () => Promise.resolve(),
      () => new Promise((resolve) => process.nextTick(resolve)),
      async () => {
        for (let i = 0; i < 5; i++) await Promise.resolve();
      },
      () => new Promise((resolve) => setImmediate(resolve)),
      () => new Promise((resolve) => setTimeout(resolve, 1)),
    ];
    for (const pause of pauses) {
      await range();
      const call = range();
      await pause();
      pool.markFailed(pool.hosts[0], new GRPCCancelledError('1 CANCELLED: Cancelled on client'));
      await expect(call).resolves.toBeNull();
    }
  });
});
