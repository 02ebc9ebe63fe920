import { credentials } from '@grpc/grpc-js';
import { GreeterClient } from '@flotilla/proto';
import {
  checkHealth,
  type EtcdCluster,
  etcdGet,
  exited,
  freePort,
  spawnTracked,
  startEtcdCluster,
  stopChild,
  waitFor,
  captureOutput,
} from '@flotilla/testing';
import { GREETER_MAIN } from '../test-support/greeter-processes.js';
import { unary } from '../test-support/grpc-calls.js';
import { type LatencyProxy, startLatencyProxy } from '../test-support/latency-proxy.js';

interface Sample {
  /** The instance key, read just before and just after the health check. */
  keyBefore: boolean;
  health: string;
  keyAfter: boolean;
  /** A SayHello sent straight to the instance while it was out of the registry and draining. */
  drainCall?: 'ok' | 'failed';
}

describe('start-up and shutdown order (a greeter process; real etcd behind a latency proxy)', () => {
  let etcd: EtcdCluster;
  let proxy: LatencyProxy;

  beforeAll(async () => {
    etcd = await startEtcdCluster({ size: 1 });
    // Every etcd round trip of the greeter takes >= 300 ms: registering and revoking take that long,
    // which leaves wide windows in which to see what health says meanwhile.
    proxy = await startLatencyProxy(Number(new URL(etcd.endpoints[0]!).port), 150);
  });
  afterAll(async () => {
    await proxy?.close();
    await etcd?.stop();
  });

  it('reports SERVING only once registered, and NOT_SERVING before it deregisters; it keeps serving while it drains', async () => {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const key = 'flotilla/services/greeter/order-1';
    const child = spawnTracked(process.execPath, [
      GREETER_MAIN,
      ...['--port', String(port), '--registry', proxy.url, '--instance-id', 'order-1', '--drain-ms', '1500'],
    ]);
    const output = captureOutput(child);
    const client = new GreeterClient(address, credentials.createInsecure());
    const samples: Sample[] = [];
    let sampling = true;
    const registered = async () => (await etcdGet(etcd.endpoints[0]!, key)) !== undefined;
    const health = () => checkHealth(address, '', 500).catch(() => 'DOWN');
    const sampler = (async () => {
      while (sampling) {
        const sample: Sample = {
          keyBefore: await registered(),
          health: await health(),
          keyAfter: await registered(),
        };
        const wasRegistered = samples.some((s) => s.keyAfter);
        if (wasRegistered && !sample.keyAfter && sample.health === 'NOT_SERVING') {
          sample.drainCall = await unary(client, { name: 'drain', count: 0 }, 1000).then(
            () => 'ok' as const,
            () => 'failed' as const,
          );
        }
        samples.push(sample);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      await waitFor(() => samples.some((s) => s.health === 'SERVING'), {
        timeoutMs: 30_000,
        what: `the greeter to report SERVING:\n${output()}`,
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const exit = exited(child);
      child.kill('SIGTERM');
      expect(await exit).toEqual({ code: 0, signal: null });
    } finally {
      sampling = false;
      await sampler;
      client.close();
      await stopChild(child, 'SIGKILL');
    }

    const firstServing = samples.findIndex((s) => s.health === 'SERVING');
    const startup = samples.slice(0, firstServing);
    const afterwards = samples.slice(firstServing);
    // Start-up: listening and answering health, not yet registered, NOT_SERVING...
    expect(startup.some((s) => s.health === 'NOT_SERVING' && !s.keyBefore && !s.keyAfter)).toBe(true);
    // ...and never SERVING without its key in etcd.
    expect(samples.filter((s) => s.health === 'SERVING' && !s.keyAfter)).toEqual([]);
    // Shutdown: NOT_SERVING while still registered (the revoke takes a round trip)...
    expect(afterwards.some((s) => s.health === 'NOT_SERVING' && s.keyBefore && s.keyAfter)).toBe(true);
    // ...never SERVING once the key is gone...
    expect(afterwards.filter((s) => !s.keyBefore && s.health === 'SERVING')).toEqual([]);
    // ...and still answering calls during the drain delay.
    const drainCalls = afterwards.flatMap((s) => (s.drainCall ? [s.drainCall] : []));
    expect(drainCalls.length).toBeGreaterThan(0);
    // The first call right after deregistration is well inside the 1.5 s drain; a call the sampler
    // starts near its end may meet the close, which is the point of the drain deadline.
    expect(drainCalls[0]).toBe('ok');

    const log = output();
    const order = [
      `listening on ${address}`,
      'registered in etcd as flotilla/services/greeter/order-1',
      '"msg":"SERVING"',
      'shutdown not-serving',
      'shutdown lease-revoked',
      'shutdown drained',
      'shutdown server-closed',
    ].map((line) => log.indexOf(line));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
  });
});
