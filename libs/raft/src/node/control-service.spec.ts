import { credentials, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { raftV1 } from '@flotilla/proto';
import { waitFor } from '@flotilla/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../memory/memory-storage.js';
import { SystemClock } from '../memory/system-clock.js';
import { RaftServer } from '../server/raft-server.js';
import { GrpcTransport } from '../transport/grpc-transport.js';
import { controlService, type ControlledNode } from './control-service.js';
import { KvStateMachine } from './kv-state-machine.js';

type Callback<T> = (error: ServiceError | null, response: T) => void;

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function call<T>(start: (cb: Callback<T>) => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => start((err, res) => (err ? reject(err) : resolve(res))));
}

describe('RaftNodeControl on a single-server cluster', () => {
  it('is UNAVAILABLE until started, then takes large values and reports counters', async () => {
    const kv = new KvStateMachine();
    const storage = new MemoryStorage();
    let node: ControlledNode | null = null;
    const transport = await GrpcTransport.start({
      id: 'n1',
      clusterId: 'c1',
      port: 0,
      peers: {},
      services: [controlService(() => node, kv)],
    });
    cleanups.push(() => transport.close());
    // The read answer carries the large value back: lift the client's default 4 MiB receive limit.
    const client = new raftV1.RaftNodeControlClient(
      `127.0.0.1:${transport.port}`,
      credentials.createInsecure(),
      {
        'grpc.max_receive_message_length': -1,
      },
    );
    cleanups.push(() => client.close());
    const options = (): { deadline: number } => ({ deadline: Date.now() + 10_000 });
    const status = (): Promise<raftV1.StatusResponse> =>
      call((cb) => client.status({}, new Metadata(), options(), cb));

    await expect(status()).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });

    const server = await RaftServer.start<number>({
      id: 'n1',
      bootstrap: { voters: ['n1'], learners: [] },
      storage,
      transport,
      stateMachine: kv,
      clock: new SystemClock(),
      tickMs: 10,
    });
    cleanups.push(() => server.stop());
    node = { server, storage, transport };
    await waitFor(async () => (await status()).role === 'leader', { timeoutMs: 10_000, what: 'leadership' });

    // 256 bytes as the benchmark sends, and more than gRPC's default 4 MiB message limit.
    for (const value of ['v'.repeat(256), 'w'.repeat(5 * 1024 * 1024)]) {
      const { index } = await call<raftV1.ProposeResponse>((cb) =>
        client.propose({ key: 'k', value }, new Metadata(), options(), cb),
      );
      expect(index).toBeGreaterThan(0);
      const read = await call<raftV1.ReadResponse>((cb) =>
        client.read({ key: 'k', local: true }, new Metadata(), options(), cb),
      );
      expect(read.value.length).toBe(value.length);
    }

    const s = await status();
    expect(s).toMatchObject({ id: 'n1', role: 'leader', leader: 'n1', messagesSent: 0, peers: [] });
    expect(s.appliedIndex).toBeGreaterThanOrEqual(3);
    expect(s.commitIndex).toBeGreaterThanOrEqual(s.appliedIndex);
    expect(s.storageSaves).toBeGreaterThan(0);
    expect(s.storageSyncs).toBeGreaterThan(0);

    // ProposeStream: many writes outstanding on one stream, each answer matched by its id.
    const stream = client.proposeStream();
    cleanups.push(() => stream.cancel());
    const answers = new Map<number, raftV1.ProposeStreamResponse>();
    const all = new Promise<void>((resolve, reject) => {
      stream.on('data', (res: raftV1.ProposeStreamResponse) => {
        answers.set(res.id, res);
        if (answers.size === 50) resolve();
      });
      stream.on('error', reject);
    });
    for (let id = 1; id <= 50; id++) stream.write({ id, key: `s${id}`, value: `${id}` });
    await all;
    const indexes = [...answers.values()].map((a) => a.index);
    expect([...answers.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(indexes).size).toBe(50);
    expect([...answers.values()].every((a) => a.error === '' && a.index > 0)).toBe(true);
    expect(kv.get('s50')).toBe('50');
  });
});
