/**
 * Server-side cost of the Nest transport: unary SayHello on loopback against
 *   (a) apps/greeter: NestJS on FlotillaServer (guards/interceptors/pipes/filters pipeline, error
 *       mapping, deadline scope, in-flight accounting; shedding off so that no call is refused),
 *   (b) a bare @grpc/grpc-js server with the same handler logic (bench/raw-greeter.ts),
 * each in its own process, called by the same client in this process, at concurrency 1 and 64,
 * rounds interleaved (b, a, b, a) so that drift hits both. Two clients: a raw grpc-js client
 * (isolates the server) and the Flotilla client (the rpc bench's client, static target).
 * Also reported: server-process CPU per call, from /proc/<pid>/stat.
 * Run: npx nx run nest:bench   (BENCH_SECONDS=3 per round, BENCH_ROUNDS=2, BENCH_CONCURRENCY=1,64)
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { credentials, Metadata } from '@grpc/grpc-js';
import { GreeterClient, GreeterService, greeterSchema, type HelloReply } from '@flotilla/proto';
import { createClient } from '@flotilla/rpc';
import { captureOutput, checkHealth, freePorts, spawnTracked, stopChild, waitFor } from '@flotilla/testing';

const GREETER_MAIN = fileURLToPath(new URL('../../../../apps/greeter/dist/main.js', import.meta.url));
const RAW_MAIN = fileURLToPath(new URL('./raw-greeter.js', import.meta.url));
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const CONCURRENCY = (process.env['BENCH_CONCURRENCY'] ?? '1,64').split(',').map(Number);
// Linux reports process CPU time in clock ticks of 10 ms (USER_HZ = 100).
const TICK_MICROS = 10_000;

type Call = () => Promise<HelloReply>;

interface Sample {
  calls: number;
  seconds: number;
  latencies: number[];
  serverCpuMicros: number;
}

function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
}

async function measure(call: Call, concurrency: number, pid: number): Promise<Sample> {
  const latencies: number[] = [];
  const cpuBefore = cpuMicros(pid);
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await call();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return {
    calls: latencies.length,
    seconds: (performance.now() - started) / 1000,
    latencies,
    serverCpuMicros: cpuMicros(pid) - cpuBefore,
  };
}

function merge(samples: Sample[]) {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const calls = samples.reduce((n, s) => n + s.calls, 0);
  const seconds = samples.reduce((n, s) => n + s.seconds, 0);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const cpu = samples.reduce((n, s) => n + s.serverCpuMicros, 0);
  return { opsPerSec: calls / seconds, p50: at(0.5), p99: at(0.99), cpuPerCall: cpu / calls };
}

async function spawnServer(args: string[], ready: (output: string) => boolean | Promise<boolean>) {
  const child: ChildProcess = spawnTracked(process.execPath, args, {
    env: { ...process.env, FLOTILLA_LOG_LEVEL: 'warn', FLOTILLA_SHEDDING: 'off' },
  });
  const output = captureOutput(child);
  await waitFor(
    async () =>
      (await ready(output())) || (child.exitCode !== null ? Promise.reject(new Error(output())) : false),
    { timeoutMs: 30_000, what: `${args[0]} to listen` },
  );
  return child;
}

async function main(): Promise<void> {
  for (const file of [GREETER_MAIN, RAW_MAIN])
    if (!existsSync(file)) throw new Error(`${file} is missing: run npx nx run nest:build-bench`);
  const [nestPort, rawPort] = await freePorts(2);
  const servers = {
    a: {
      name: '(a) nest transport',
      address: `127.0.0.1:${nestPort}`,
      child: undefined as ChildProcess | undefined,
    },
    b: {
      name: '(b) raw grpc-js',
      address: `127.0.0.1:${rawPort}`,
      child: undefined as ChildProcess | undefined,
    },
  };
  try {
    servers.a.child = await spawnServer(
      [GREETER_MAIN, '--port', String(nestPort), '--shedding', 'off', '--log-level', 'warn'],
      async () => (await checkHealth(servers.a.address).catch(() => '')) === 'SERVING',
    );
    servers.b.child = await spawnServer([RAW_MAIN, String(rawPort)], (o) => o.includes('listening'));

    const clients = Object.fromEntries(
      Object.entries(servers).map(([key, server]) => {
        const raw = new GreeterClient(server.address, credentials.createInsecure());
        const flotilla = createClient(GreeterService, [server.address], { schemas: [greeterSchema] });
        const rawCall: Call = () =>
          new Promise((resolve, reject) =>
            raw.sayHello(
              { name: 'bench', count: 0 },
              new Metadata(),
              { deadline: Date.now() + 10_000 },
              (e, r) => (e ? reject(e) : resolve(r)),
            ),
          );
        const flotillaCall: Call = () => flotilla.sayHello({ name: 'bench' });
        return [key, { raw, flotilla, calls: { 'raw client': rawCall, 'flotilla client': flotillaCall } }];
      }),
    );
    // Warm up both servers (JIT, connections).
    for (const key of ['a', 'b'] as const)
      for (const call of Object.values(clients[key]!.calls))
        await measure(call, 16, servers[key].child!.pid!);

    console.log(
      `node ${process.version}, ${SECONDS}s x ${ROUNDS} rounds per server, client and concurrency; servers in their own processes, shedding off`,
    );
    console.log(
      'client           concurrency  server               ops/s  p50 ms  p99 ms  server CPU µs/call  ops a/b  CPU a-b µs',
    );
    for (const clientName of ['raw client', 'flotilla client'] as const) {
      for (const concurrency of CONCURRENCY) {
        const samples: Record<'a' | 'b', Sample[]> = { a: [], b: [] };
        for (let round = 0; round < ROUNDS; round++) {
          for (const key of ['b', 'a'] as const) {
            const call = clients[key]!.calls[clientName];
            samples[key].push(await measure(call, concurrency, servers[key].child!.pid!));
          }
        }
        const a = merge(samples.a);
        const b = merge(samples.b);
        for (const [key, m] of [
          ['a', a],
          ['b', b],
        ] as const) {
          const ratios =
            key === 'a'
              ? `${(a.opsPerSec / b.opsPerSec).toFixed(3).padStart(7)}  ${(a.cpuPerCall - b.cpuPerCall).toFixed(1).padStart(10)}`
              : '';
          console.log(
            `${clientName.padEnd(16)} ${String(concurrency).padStart(11)}  ${servers[key].name.padEnd(19)} ${m.opsPerSec.toFixed(0).padStart(6)}  ${m.p50.toFixed(3).padStart(6)}  ${m.p99.toFixed(3).padStart(6)}  ${m.cpuPerCall.toFixed(1).padStart(18)}  ${ratios}`,
          );
        }
      }
    }
    for (const key of ['a', 'b'] as const) {
      clients[key]!.raw.close();
      clients[key]!.flotilla.$close();
    }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.child && stopChild(s.child, 'SIGTERM')));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
