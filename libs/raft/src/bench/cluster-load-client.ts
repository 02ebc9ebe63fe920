#!/usr/bin/env node
/**
 * Load generator for `cluster-vs-etcd.ts`, run as its own process so that the client's CPU is not
 * spent inside a server. It finds the leader itself and sends every write to the leader only:
 *
 *  - flotilla: `RaftNodeControl.Propose(key, value)` over gRPC; the leader is the node whose
 *    `Status` says role "leader" (highest term); the command (`encodePut`) is exactly 256 bytes;
 *  - etcd: `client.put(key).value(<256 bytes>)` with the `etcd3` client connected to the leader
 *    only (the member whose Maintenance.Status `leader` is its own id), so no follower forwards.
 *
 * Both use one @grpc/grpc-js channel (one HTTP/2 connection) to the leader. Each of `concurrency`
 * workers writes its own key (`k0000`..) in a closed loop: warm-up, then the measured window;
 * operations that complete inside the window count, with their latency.
 *
 *   node cluster-load-client.js --system flotilla|etcd --endpoints HOST:PORT,...
 *
 * Protocol (JSON lines): see `cluster-load-protocol.ts`.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { credentials, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { raftV1 } from '@flotilla/proto';
import { Etcd3 } from 'etcd3';
import {
  monotonicMs,
  type LoadCommand,
  type LoadEvent,
  type LoadSystem,
  type StepResult,
} from './cluster-load-protocol.js';

/** Bytes of the Flotilla command (the JSON `[key, value]` that `encodePut` makes) and of etcd's value. */
const COMMAND_BYTES = 256;
const CALL_DEADLINE_MS = 10_000;
const STATUS_DEADLINE_MS = 1000;

interface Target {
  /** Finds the leader and connects to it; returns its endpoint. */
  connectLeader(): Promise<string>;
  write(worker: number): Promise<void>;
  close(): void;
}

const keyOf = (worker: number): string => `k${String(worker).padStart(4, '0')}`;

class FlotillaTarget implements Target {
  private readonly clients = new Map<string, raftV1.RaftNodeControlClient>();
  private leader: raftV1.RaftNodeControlClient | undefined;
  private readonly values = new Map<number, string>();

  constructor(private readonly endpoints: readonly string[]) {
    for (const e of endpoints)
      this.clients.set(e, new raftV1.RaftNodeControlClient(e, credentials.createInsecure()));
  }

  async connectLeader(): Promise<string> {
    const statuses = await Promise.all(
      this.endpoints.map(async (endpoint) => {
        const client = this.clients.get(endpoint)!;
        const status = await new Promise<raftV1.StatusResponse | undefined>((resolve) =>
          client.status({}, new Metadata(), { deadline: Date.now() + STATUS_DEADLINE_MS }, (err, res) =>
            resolve(err ? undefined : res),
          ),
        );
        return { endpoint, status };
      }),
    );
    const leaders = statuses
      .filter((s) => s.status?.role === 'leader')
      .sort((a, b) => (b.status?.term ?? 0) - (a.status?.term ?? 0));
    const found = leaders[0];
    if (!found) throw new Error('no flotilla leader yet');
    this.leader = this.clients.get(found.endpoint);
    return found.endpoint;
  }

  write(worker: number): Promise<void> {
    const leader = this.leader;
    if (!leader) return Promise.reject(new Error('not connected'));
    const key = keyOf(worker);
    let value = this.values.get(worker);
    if (value === undefined) {
      // encodePut(key, value) is JSON.stringify([key, value]): 8 bytes of punctuation around both.
      value = 'v'.repeat(COMMAND_BYTES - JSON.stringify([key, '']).length);
      this.values.set(worker, value);
    }
    return new Promise((resolve, reject) =>
      leader.propose({ key, value }, new Metadata(), { deadline: Date.now() + CALL_DEADLINE_MS }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
  }
}

/**
 * The same writes over `RaftNodeControl.ProposeStream`: one bidirectional stream to the leader,
 * `concurrency` requests outstanding on it, answers matched by id. Measures the Raft runtime
 * without the HTTP/2 cost of one unary call per write (BENCH_FLOTILLA_CLIENT=stream).
 */
class FlotillaStreamTarget implements Target {
  private readonly unary: FlotillaTarget;
  private stream: ReturnType<raftV1.RaftNodeControlClient['proposeStream']> | undefined;
  private readonly waiting = new Map<number, { resolve(): void; reject(e: Error): void }>();
  private nextId = 1;
  private readonly values = new Map<number, string>();

  constructor(endpoints: readonly string[]) {
    this.unary = new FlotillaTarget(endpoints);
  }

  async connectLeader(): Promise<string> {
    const endpoint = await this.unary.connectLeader();
    this.stream?.cancel();
    const client = new raftV1.RaftNodeControlClient(endpoint, credentials.createInsecure());
    const stream = client.proposeStream();
    stream.on('data', (res: raftV1.ProposeStreamResponse) => {
      const w = this.waiting.get(res.id);
      if (!w) return;
      this.waiting.delete(res.id);
      if (res.error === '') w.resolve();
      else w.reject(new Error(res.error));
    });
    const fail = (): void => {
      for (const w of this.waiting.values()) w.reject(new Error('propose stream closed'));
      this.waiting.clear();
      if (this.stream === stream) this.stream = undefined;
    };
    stream.on('error', fail);
    stream.on('end', fail);
    this.stream = stream;
    return endpoint;
  }

  write(worker: number): Promise<void> {
    const stream = this.stream;
    if (!stream) return Promise.reject(new Error('not connected'));
    const key = keyOf(worker);
    let value = this.values.get(worker);
    if (value === undefined) {
      value = 'v'.repeat(COMMAND_BYTES - JSON.stringify([key, '']).length);
      this.values.set(worker, value);
    }
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      stream.write({ id, key, value });
    });
  }

  close(): void {
    this.stream?.cancel();
    this.unary.close();
  }
}

class EtcdTarget implements Target {
  private leader: Etcd3 | undefined;
  private readonly value = Buffer.alloc(COMMAND_BYTES, 'v');

  constructor(private readonly endpoints: readonly string[]) {}

  async connectLeader(): Promise<string> {
    let found: string | undefined;
    await Promise.all(
      this.endpoints.map(async (endpoint) => {
        const probe = new Etcd3({ hosts: endpoint, dialTimeout: STATUS_DEADLINE_MS });
        try {
          const s = await probe.maintenance.status();
          if (s.leader !== '0' && s.leader === s.header.member_id) found = endpoint;
        } catch {
          // not answering: not the leader we can use
        } finally {
          probe.close();
        }
      }),
    );
    if (!found) throw new Error('no etcd leader yet');
    this.leader?.close();
    this.leader = new Etcd3({ hosts: found });
    return found;
  }

  async write(worker: number): Promise<void> {
    if (!this.leader) throw new Error('not connected');
    await this.leader.put(keyOf(worker)).value(this.value);
  }

  close(): void {
    this.leader?.close();
  }
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

function emit(event: LoadEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function describe(e: unknown): string {
  const se = e as Partial<ServiceError>;
  if (typeof se.code === 'number') return `grpc ${se.code}: ${se.details ?? se.message ?? ''}`;
  return e instanceof Error ? e.message : String(e);
}

/** The node sends `Name: message` as details for errors of its own (control-service.ts). */
const SERVER_ERROR = /^(\w+Error): /;

function serverReported(e: unknown): boolean {
  const se = e as Partial<ServiceError>;
  return se.code === GrpcStatus.UNAVAILABLE && SERVER_ERROR.test(se.details ?? '');
}

/** A short name for the report: the server's error name, else the gRPC code, else the message. */
function errorKind(e: unknown): string {
  const se = e as Partial<ServiceError>;
  const named = SERVER_ERROR.exec(se.details ?? '')?.[1];
  if (named) return named;
  if (typeof se.code === 'number')
    return `${GrpcStatus[se.code] ?? se.code}: ${(se.details ?? '').slice(0, 60)}`;
  return (e instanceof Error ? e.message : String(e)).slice(0, 80);
}

async function connectWithRetry(target: Target, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await target.connectLeader();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function step(target: Target, current: { endpoint: string }, c: Extract<LoadCommand, { cmd: 'step' }>) {
  // Leadership can move between steps; look again before each.
  current.endpoint = await connectWithRetry(target, 15_000);
  const startEndpoint = current.endpoint;
  const t0 = monotonicMs();
  const windowStart = t0 + c.warmupMs;
  const windowEnd = windowStart + c.ms;
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let errors = 0;
  let reconnecting: Promise<void> | undefined;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  const measuring = setTimeout(
    () => {
      cpuAtStart = process.cpuUsage();
      emit({ event: 'measuring', concurrency: c.concurrency, at: monotonicMs(), target: current.endpoint });
    },
    Math.max(0, windowStart - monotonicMs()),
  );
  await Promise.all(
    Array.from({ length: c.concurrency }, async (_, worker) => {
      while (monotonicMs() < windowEnd) {
        if (reconnecting) await reconnecting;
        const s = monotonicMs();
        try {
          await target.write(worker);
          const e = monotonicMs();
          if (e >= windowStart && e <= windowEnd) latencies.push(e - s);
        } catch (err) {
          const e = monotonicMs();
          if (e >= windowStart && e <= windowEnd) {
            errors++;
            const kind = errorKind(err);
            errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
          }
          // An error the server reported about this write (e.g. ProposalDroppedError): carry on.
          if (serverReported(err)) continue;
          // Not the leader any more, or unreachable: find the leader again (one search for all workers).
          reconnecting ??= connectWithRetry(target, 15_000)
            .then((endpoint) => void (current.endpoint = endpoint))
            .catch(() => undefined)
            .finally(() => (reconnecting = undefined));
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }),
  );
  clearTimeout(measuring);
  const cpu = process.cpuUsage(cpuAtStart);
  const sorted = Float64Array.from(latencies).sort();
  const seconds = c.ms / 1000;
  const result: StepResult = {
    concurrency: c.concurrency,
    ops: sorted.length,
    errors,
    errorKinds,
    seconds,
    opsPerSec: sorted.length / seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] ?? NaN) : NaN,
    windowStart,
    windowEnd,
    target: current.endpoint,
    targetChanged: current.endpoint !== startEndpoint,
    clientCpuPercent: ((cpu.user + cpu.system) / 1000 / c.ms) * 100,
  };
  emit({ event: 'result', ...result });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { system: { type: 'string' }, endpoints: { type: 'string' } },
    strict: true,
  });
  const system = values.system as LoadSystem | undefined;
  const endpoints = (values.endpoints ?? '').split(',').filter((e) => e.length > 0);
  if ((system !== 'flotilla' && system !== 'etcd') || endpoints.length === 0)
    throw new Error('usage: cluster-load-client --system flotilla|etcd --endpoints HOST:PORT,...');
  const flotilla = (): Target =>
    process.env['BENCH_FLOTILLA_CLIENT'] === 'stream'
      ? new FlotillaStreamTarget(endpoints)
      : new FlotillaTarget(endpoints);
  const target: Target = system === 'flotilla' ? flotilla() : new EtcdTarget(endpoints);
  const current = { endpoint: await connectWithRetry(target, 20_000) };
  emit({ event: 'ready', system, target: current.endpoint });
  // Commands run one at a time, in order.
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const command = JSON.parse(line) as LoadCommand;
    queue = queue.then(async () => {
      if (command.cmd === 'exit') {
        target.close();
        process.exit(0);
      }
      await step(target, current, command);
    });
    queue = queue.catch((e: unknown) => emit({ event: 'error', message: describe(e) }));
  });
  // The driver went away: stop.
  lines.on('close', () => {
    target.close();
    process.exit(0);
  });
}

main().catch((e: unknown) => {
  emit({ event: 'error', message: describe(e) });
  process.exit(1);
});
