import { credentials, type ServiceError, status } from '@grpc/grpc-js';
import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { GreeterClient, GreeterService, greeterSchema } from '@flotilla/proto';
import {
  createClient,
  errorInfoOf,
  FLOTILLA_ERROR_DOMAIN,
  SHED_METADATA_KEY,
  SHED_REASON,
  type TypedClient,
} from '@flotilla/rpc';
import { type EtcdCluster, freePorts, startEtcdCluster, stopChild, waitFor } from '@flotilla/testing';
import { type GreeterProcess, startGreeter } from '../test-support/greeter-processes.js';
import { unary } from '../test-support/grpc-calls.js';
import { type LoadResult, runLoad } from '../test-support/load.js';

/** Calls sent straight to the saturated instance at once, on top of the load it already has. */
const DIRECT_BURST = 64;

/**
 * `DIRECT_BURST` SayHello calls to `address` at the same time, with grpc-js's own client: no
 * balancer and no retries, so a shed call comes back as the server sent it. Resolves with the
 * failures.
 */
async function directBurst(address: string): Promise<ServiceError[]> {
  const direct = new GreeterClient(address, credentials.createInsecure());
  try {
    const outcomes = await Promise.all(
      Array.from({ length: DIRECT_BURST }, (_, i) =>
        unary(direct, { name: `direct-${i}`, count: 0 }, 10_000).then(
          () => undefined,
          (error: ServiceError) => error,
        ),
      ),
    );
    return outcomes.filter((outcome): outcome is ServiceError => outcome !== undefined);
  } finally {
    direct.close();
  }
}

/** The value of an unlabelled counter in a Prometheus scrape. */
async function scrapeCounter(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('adaptive load shedding (three greeter processes, one saturated; real etcd)', () => {
  let etcd: EtcdCluster;
  let discovery: Discovery;
  const greeters: GreeterProcess[] = [];
  let client: TypedClient<typeof GreeterService, true> | undefined;

  beforeAll(async () => {
    etcd = await startEtcdCluster({ size: 1 });
    discovery = await createDiscovery({ endpoints: etcd.endpoints });
  });
  afterAll(async () => {
    client?.$close();
    await Promise.all(greeters.map((g) => stopChild(g.child, 'SIGKILL')));
    await discovery?.close();
    await etcd?.stop();
  });

  it('sheds on the saturated instance with RESOURCE_EXHAUSTED, and callers see no failure: shed calls go elsewhere', async () => {
    const ports = await freePorts(4);
    // The saturated instance serves its metrics (the greeter's @flotilla/telemetry) here.
    const metricsUrl = `http://127.0.0.1:${ports[3]}/metrics`;
    greeters.push(
      ...(await Promise.all(
        [0, 1, 2].map((i) =>
          startGreeter({
            id: `shed-${i}`,
            port: ports[i]!,
            registry: etcd.endpoints.join(','),
            args: ['--drain-ms', '0'],
            // Instance 0 is slow and CPU-bound: 5 ms of event-loop work and a 40 ms wait per call,
            // so it can take about 200 calls/s while round robin sends it a third of the load.
            env:
              i === 0
                ? { GREETER_BUSY_MS: '5', GREETER_DELAY_MS: '40', FLOTILLA_METRICS_PORT: String(ports[3]) }
                : {},
          }),
        ),
      )),
    );
    client = createClient(GreeterService, 'etcd:///greeter', {
      discovery,
      schemas: [greeterSchema],
      // Round robin keeps sending the slow instance its share, as a latency-blind balancer would;
      // breakers off, so only shedding protects it.
      config: { policy: 'round_robin', timeoutMs: 10_000, breaker: { enabled: false } },
    });
    await waitFor(() => client!.$stats().endpoints.filter((e) => e.connectivity === 'READY').length === 3, {
      timeoutMs: 20_000,
      what: 'the client to connect to all three greeters',
    });

    let stop = false;
    const progress: LoadResult = { ok: 0, errors: [] };
    let refused: ServiceError[] = [];
    const load = runLoad(
      32,
      (i) => client!.sayHello({ name: `c${i}` }),
      () => stop,
      progress,
    );
    try {
      await waitFor(() => greeters[0]!.output().includes('shedding load'), {
        timeoutMs: 30_000,
        what: 'the saturated instance to shed',
      });
      // It shed within the last second (the warning goes out once a second at most, on a shed), so
      // it is still in its cool-off: every call beyond its in-flight limit is refused. The burst
      // alone is several times that limit (about 200 calls/s × 45 ms).
      refused = await directBurst(greeters[0]!.address);
      // Keep the load on for 1000 more calls, shedding all along.
      const shedAt = progress.ok;
      await waitFor(() => progress.ok >= shedAt + 1000, { timeoutMs: 90_000, what: '1000 more calls' });
    } finally {
      stop = true;
    }
    const result = await load;
    expect(result.errors.map((e) => `${e.code} ${e.details}`)).toEqual([]);
    // The shed calls were retried on another instance.
    expect(client.$stats().transparentRetries).toBeGreaterThan(0);

    // On the wire, a shed call is RESOURCE_EXHAUSTED with the shed ErrorInfo and the shed marker:
    // what tells the rpc clients to try another instance at once.
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error.code, error.details).toBe(status.RESOURCE_EXHAUSTED);
      expect(error.details).toMatch(/^overloaded: call shed \(\d+ in flight\); try another instance$/);
      expect(errorInfoOf(error)).toMatchObject({ reason: SHED_REASON, domain: FLOTILLA_ERROR_DOMAIN });
      expect(error.metadata.get(SHED_METADATA_KEY)).toEqual(['1']);
    }
    // And the instance counts them: the load's shed calls and the burst's.
    const shed = await scrapeCounter(metricsUrl, 'flotilla_server_shed_calls_total');
    expect(shed).toBeGreaterThan(refused.length);
  }, 180_000);
});
