/**
 * Unary SayHello on loopback against one greeter process, through
 *   (a) the full Flotilla client: etcd resolver, p2c_ewma, breakers, retry budget, two interceptors;
 *   (b) a raw @grpc/grpc-js client (ts-proto's GreeterClient) with the static address;
 * at concurrency 1 and 64, in one run, rounds interleaved (b, a, b, a) so that drift hits both.
 * Run: npx nx run rpc:bench   (options: BENCH_SECONDS=3 per round, BENCH_ROUNDS=2)
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { credentials, Metadata } from '@grpc/grpc-js';
import { createDiscovery } from '@flotilla/discovery';
import {
  GreeterClient,
  GreeterService,
  type HelloReply,
  type HelloRequest,
  protoFile,
} from '@flotilla/proto';
import { callObserverInterceptor, createClient, metadataInterceptor } from '@flotilla/rpc';
import {
  captureOutput,
  freePort,
  spawnTracked,
  startEtcdCluster,
  stopChild,
  waitFor,
} from '@flotilla/testing';

const GREETER_MAIN = fileURLToPath(new URL('../../../../apps/greeter/dist/main.js', import.meta.url));
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const CONCURRENCY = (process.env['BENCH_CONCURRENCY'] ?? '1,64').split(',').map(Number);

type Call = (request: HelloRequest) => Promise<HelloReply>;

interface Sample {
  calls: number;
  seconds: number;
  latencies: number[];
  /** Client-process CPU time (user + system), microseconds. */
  cpuMicros: number;
}

async function measure(call: Call, concurrency: number, seconds: number): Promise<Sample> {
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await call({ name: 'bench', count: 0 });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    calls: latencies.length,
    seconds: (performance.now() - started) / 1000,
    latencies,
    cpuMicros: used.user + used.system,
  };
}

function merge(samples: Sample[]): { opsPerSec: number; p50: number; p99: number; cpuPerCall: number } {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const calls = samples.reduce((n, s) => n + s.calls, 0);
  const seconds = samples.reduce((n, s) => n + s.seconds, 0);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const cpu = samples.reduce((n, s) => n + s.cpuMicros, 0);
  return { opsPerSec: calls / seconds, p50: at(0.5), p99: at(0.99), cpuPerCall: cpu / calls };
}

async function main(): Promise<void> {
  if (!existsSync(GREETER_MAIN)) throw new Error(`${GREETER_MAIN} is missing: run npx nx run greeter:build`);
  const etcd = await startEtcdCluster({ size: 1 });
  const port = await freePort();
  const greeter = spawnTracked(process.execPath, [
    GREETER_MAIN,
    '--port',
    String(port),
    '--registry',
    etcd.endpoints.join(','),
    '--instance-id',
    'bench',
    '--drain-ms',
    '0',
  ]);
  const output = captureOutput(greeter);
  const discovery = await createDiscovery({ endpoints: etcd.endpoints });
  const address = `127.0.0.1:${port}`;
  let observed = 0;
  // BENCH_STATIC=1 skips etcd for the Flotilla client too (static:///), to isolate resolver costs.
  const flotilla = createClient(GreeterService, process.env['BENCH_STATIC'] ? [address] : 'etcd:///greeter', {
    discovery,
    protoFile: protoFile('helloworld/v1/greeter.proto'),
    interceptors: process.env['BENCH_NO_INTERCEPTORS']
      ? []
      : [
          metadataInterceptor(() => ({ authorization: 'Bearer bench' })),
          callObserverInterceptor(() => (observed += 1)),
        ],
    config: { breaker: { enabled: !process.env['BENCH_NO_BREAKER'] } },
  });
  const raw = new GreeterClient(address, credentials.createInsecure());
  try {
    await waitFor(() => output().includes('registered in etcd'), {
      timeoutMs: 20_000,
      what: 'the greeter to register',
    });
    // Both clients put the same bytes on the wire: the raw one sends the header that the
    // Flotilla client's auth interceptor adds, so the difference is the client machinery alone.
    const rawMetadata = () => {
      const metadata = new Metadata();
      if (!process.env['BENCH_NO_INTERCEPTORS']) metadata.set('authorization', 'Bearer bench');
      return metadata;
    };
    const clients: Record<'flotilla' | 'raw', Call> = {
      flotilla: (request) => flotilla.sayHello(request, { timeoutMs: 10_000 }),
      raw: (request) =>
        new Promise((resolve, reject) =>
          raw.sayHello(request, rawMetadata(), { deadline: Date.now() + 10_000 }, (error, reply) =>
            error ? reject(error) : resolve(reply),
          ),
        ),
    };
    await waitFor(async () => (await clients.flotilla({ name: 'warm', count: 0 })).message !== '', {
      timeoutMs: 10_000,
      what: 'the Flotilla client to connect',
    });
    console.log(
      `node ${process.version}, ${SECONDS}s x ${ROUNDS} rounds per client and concurrency, greeter ${address} (NestJS, separate process)`,
    );
    const rows: string[][] = [
      ['concurrency', 'client', 'ops/s', 'p50 ms', 'p99 ms', 'client CPU µs/call', 'ops a/b', 'p99 a/b'],
    ];
    for (const concurrency of CONCURRENCY) {
      await measure(clients.raw, concurrency, 1); // warm-up, both
      await measure(clients.flotilla, concurrency, 1);
      const samples = { raw: [] as Sample[], flotilla: [] as Sample[] };
      for (let round = 0; round < ROUNDS; round++) {
        samples.raw.push(await measure(clients.raw, concurrency, SECONDS));
        samples.flotilla.push(await measure(clients.flotilla, concurrency, SECONDS));
      }
      const a = merge(samples.flotilla);
      const b = merge(samples.raw);
      rows.push([
        String(concurrency),
        '(a) flotilla',
        a.opsPerSec.toFixed(0),
        a.p50.toFixed(3),
        a.p99.toFixed(3),
        a.cpuPerCall.toFixed(1),
        (a.opsPerSec / b.opsPerSec).toFixed(3),
        (a.p99 / b.p99).toFixed(3),
      ]);
      rows.push([
        String(concurrency),
        '(b) raw grpc-js',
        b.opsPerSec.toFixed(0),
        b.p50.toFixed(3),
        b.p99.toFixed(3),
        b.cpuPerCall.toFixed(1),
        '',
        '',
      ]);
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    for (const row of rows) console.log(row.map((cell, c) => cell.padStart(widths[c]!)).join('  '));
    console.log(
      `interceptor saw ${observed} Flotilla calls; breakers: ${flotilla
        .$stats()
        .endpoints.map((e) => `${e.address} ${e.breaker}`)
        .join(', ')}`,
    );
  } finally {
    flotilla.$close();
    raw.close();
    await discovery.close().catch(() => undefined);
    await stopChild(greeter, 'SIGTERM', 3000);
    await etcd.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
