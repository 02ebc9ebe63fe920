#!/usr/bin/env node
/**
 * Micro-benchmark of GrpcTransport alone, two transports on loopback in this process, append
 * messages carrying one entry of --bytes (256) bytes:
 *  - one-way: the sender queues `burst` messages per event-loop turn (a Ready's worth), keeping
 *    what is not yet received under the queue limit so nothing is dropped; figure: messages the
 *    receiver's handler got per second;
 *  - request/response: `window` appends outstanding, the receiver answers each with an
 *    append-resp and the sender sends a new append per answer (the leader/follower exchange
 *    under concurrent clients); figure: round trips per second.
 * CPU µs is the process's user + system time (both transports) per message or round trip: on a
 * shared machine it is steadier than the rate.
 * Usage: node libs/raft/dist/bench/transport-throughput.js [--ms 3000] [--bytes 256] [--only req/resp]
 */
import { createServer, type AddressInfo } from 'node:net';
import type { AppendRequest, Message } from '../core/messages.js';
import { GrpcTransport } from '../transport/grpc-transport.js';

const QUEUE_LIMIT = 4096;

interface Result {
  readonly count: number;
  readonly perSec: number;
  readonly cpuMicros: number;
  readonly dropped: number;
}

interface Pair {
  readonly a: GrpcTransport;
  readonly b: GrpcTransport;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function withPair<T>(work: (pair: Pair) => Promise<T>): Promise<T> {
  const [pa, pb] = [await freePort(), await freePort()];
  const start = (id: string, port: number, peer: string, peerPort: number): Promise<GrpcTransport> =>
    GrpcTransport.start({
      id,
      clusterId: 'bench',
      port,
      peers: { [peer]: `127.0.0.1:${peerPort}` },
      queueLimit: QUEUE_LIMIT,
    });
  const a = await start('a', pa, 'b', pb);
  const b = await start('b', pb, 'a', pa);
  try {
    return await work({ a, b });
  } finally {
    await a.close();
    await b.close();
  }
}

function appendFactory(bytes: number): () => AppendRequest {
  const data = new Uint8Array(bytes).fill(7);
  let index = 0;
  return () => {
    index++;
    const entries = [{ index, term: 3, kind: 'normal' as const, data }];
    return {
      type: 'append',
      from: 'a',
      to: 'b',
      term: 3,
      prevIndex: index - 1,
      prevTerm: 3,
      commit: 0,
      entries,
    };
  };
}

/** Counts what `count()` reports over `ms`, after a warm-up, with the process's CPU time. */
async function measure(
  ms: number,
  count: () => number,
  drive: (end: number) => Promise<void>,
): Promise<Result> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const before = count();
  await drive(t0 + ms);
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const n = count() - before;
  return { count: n, perSec: n / secs, cpuMicros: (cpu.user + cpu.system) / n, dropped: 0 };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

function oneWay(burst: number, ms: number, bytes: number): Promise<Result> {
  return withPair(async ({ a, b }) => {
    let received = 0;
    b.listen(() => {
      received++;
    });
    const next = appendFactory(bytes);
    let sent = 0;
    // Warm up: the stream is open and the JIT has seen the path before timing starts.
    for (; sent < 200; sent++) a.send(next());
    while (received < 200) await sleep(5);
    const r = await measure(
      ms,
      () => received,
      async (end) => {
        while (performance.now() < end) {
          // Everything sent but not received is at most queued: this bound keeps the queue from overflowing.
          if (sent - received + burst <= QUEUE_LIMIT) for (let i = 0; i < burst; i++, sent++) a.send(next());
          await nextTurn();
        }
      },
    );
    return { ...r, dropped: a.stats().peers.b.dropped };
  });
}

function requestResponse(window: number, ms: number, bytes: number): Promise<Result> {
  return withPair(async ({ a, b }) => {
    const next = appendFactory(bytes);
    let answered = 0;
    let running = true;
    b.listen((m: Message) => {
      if (m.type !== 'append') return;
      b.send({
        type: 'append-resp',
        from: 'b',
        to: 'a',
        term: 3,
        index: m.prevIndex + 1,
        reject: false,
        hintIndex: 0,
        hintTerm: 0,
      });
    });
    a.listen((m: Message) => {
      if (m.type !== 'append-resp') return;
      answered++;
      if (running) a.send(next());
    });
    for (let i = 0; i < window; i++) a.send(next());
    while (answered < 200) await sleep(5);
    const r = await measure(
      ms,
      () => answered,
      async (end) => {
        await sleep(end - performance.now());
        running = false;
      },
    );
    return { ...r, dropped: a.stats().peers.b.dropped + b.stats().peers.a.dropped };
  });
}

function row(label: string, r: Result): string {
  return `${label.padEnd(26)} | ${r.perSec.toFixed(0).padStart(8)} | ${r.cpuMicros.toFixed(1).padStart(6)} | ${r.dropped}`;
}

async function main(): Promise<void> {
  const ms = arg('ms', 3000);
  const bytes = arg('bytes', 256);
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : '';
  const workloads: [string, () => Promise<Result>][] = [
    ...[1, 16, 256].map((n): [string, () => Promise<Result>] => [
      `one-way, ${n}/turn`,
      () => oneWay(n, ms, bytes),
    ]),
    ...[1, 64].map((n): [string, () => Promise<Result>] => [
      `req/resp, ${n} outstanding`,
      () => requestResponse(n, ms, bytes),
    ]),
  ];
  console.log(`GrpcTransport loopback, append messages with one ${bytes}-byte entry, ${ms} ms per run`);
  console.log('workload                   |      1/s | CPU µs | dropped');
  for (const [label, run] of workloads) if (label.includes(only)) console.log(row(label, await run()));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
