/**
 * Measurements taken from outside the servers, the same way for Flotilla and for etcd, so the
 * cost of a commit round can be compared without trusting either server's own counters:
 *
 *  - `SyncCounter`: fsync/fdatasync/sync_file_range system calls of one process (all threads), from
 *    `perf stat -I` on the syscall tracepoints (in-kernel counting: no ptrace, no slowdown);
 *  - `peerTraffic`: TCP data segments and bytes between the members' processes, from `ss -tinp`
 *    (kernel per-socket counters; client connections are excluded);
 *  - `processCpuMs` / `machineCpu`: /proc CPU time of a process and of the whole machine;
 *  - `fsyncProbe`: the latency of a 256-byte append + fdatasync in a directory, the floor under
 *    any durable commit there.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { closeSync, fdatasyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnTracked } from '@flotilla/testing';

const run = promisify(execFile);
const SYNC_EVENTS = [
  'syscalls:sys_enter_fsync',
  'syscalls:sys_enter_fdatasync',
  'syscalls:sys_enter_sync_file_range',
];

/** True when `perf` can count syscall tracepoints here (needs perf and tracefs access). */
export async function perfAvailable(): Promise<boolean> {
  try {
    const { stderr } = await run('perf', ['stat', '-x', ',', '-e', SYNC_EVENTS.join(','), '--', 'true'], {
      timeout: 10_000,
    });
    return SYNC_EVENTS.every((e) => stderr.includes(e)) && !stderr.includes('<not supported>');
  } catch {
    return false;
  }
}

/**
 * Counts one process's sync system calls. `perf stat -I 20` prints a count every 20 ms, so a
 * reading (`total`) is at most 20 ms old: a window's boundaries are that precise.
 */
export class SyncCounter {
  private total_ = 0;
  private lines = 0;
  private readonly child: ChildProcess;
  private readonly firstLine: Promise<void>;
  private buffer = '';

  constructor(pid: number) {
    this.child = spawnTracked(
      'perf',
      ['stat', '-I', '20', '-x', ',', '-e', SYNC_EVENTS.join(','), '-p', String(pid)],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let attached: () => void = () => undefined;
    this.firstLine = new Promise((resolve) => (attached = resolve));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        // interval mode, CSV: time,count,unit,event,...
        const [, count] = line.split(',');
        const n = Number(count);
        if (Number.isFinite(n)) {
          this.total_ += n;
          if (++this.lines >= SYNC_EVENTS.length) attached();
        }
      }
    });
    this.child.once('exit', () => attached());
    this.child.once('error', () => attached());
  }

  /** Resolves once perf has reported a first interval (it is attached). */
  async attached(timeoutMs = 5000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    await Promise.race([this.firstLine, timeout]);
    clearTimeout(timer);
    return this.lines > 0;
  }

  /** Sync calls counted so far. */
  get total(): number {
    return this.total_;
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
  }
}

export interface SocketCounters {
  readonly dataSegsOut: number;
  readonly bytesSent: number;
}

/** Per-socket counters of the TCP connections between `pids` (each pair of different processes). */
export async function peerTraffic(pids: readonly number[]): Promise<Map<string, SocketCounters>> {
  const { stdout } = await run('ss', ['-tinpH', 'state', 'established'], {
    timeout: 10_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const wanted = new Set(pids);
  const sockets: { local: string; remote: string; pid: number; counters: SocketCounters }[] = [];
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = lines[i] ?? '';
    if (/^\s/.test(head) || head.trim() === '') continue;
    const info = lines[i + 1] ?? '';
    // Recv-Q Send-Q Local Peer users:(("node",pid=N,fd=N)) (no State column with a state filter)
    const m = /(\S+:\d+)\s+(\S+:\d+)\s+users:\(\("[^"]*",pid=(\d+)/.exec(head);
    if (!m || !/^\s/.test(info)) continue;
    const pid = Number(m[3]);
    if (!wanted.has(pid)) continue;
    const num = (name: string): number => Number(new RegExp(`\\b${name}:(\\d+)`).exec(info)?.[1] ?? 0);
    sockets.push({
      local: m[1]!,
      remote: m[2]!,
      pid,
      counters: { dataSegsOut: num('data_segs_out'), bytesSent: num('bytes_sent') },
    });
  }
  const ownerOf = new Map(sockets.map((s) => [s.local, s.pid]));
  const result = new Map<string, SocketCounters>();
  for (const s of sockets) {
    const peer = ownerOf.get(s.remote);
    if (peer !== undefined && peer !== s.pid) result.set(`${s.local}>${s.remote}`, s.counters);
  }
  return result;
}

/** Sum of the per-socket growth between two `peerTraffic` readings (sockets new in `b` count from 0). */
export function trafficDelta(a: Map<string, SocketCounters>, b: Map<string, SocketCounters>): SocketCounters {
  let dataSegsOut = 0;
  let bytesSent = 0;
  for (const [key, after] of b) {
    const before = a.get(key);
    dataSegsOut += after.dataSegsOut - (before?.dataSegsOut ?? 0);
    bytesSent += after.bytesSent - (before?.bytesSent ?? 0);
  }
  return { dataSegsOut, bytesSent };
}

let clockTicks: number | undefined;
async function ticksPerSecond(): Promise<number> {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number((await run('getconf', ['CLK_TCK'])).stdout.trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time (user + system, all threads) a process has used so far, ms; NaN if unreadable. */
export async function processCpuMs(pid: number): Promise<number> {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / (await ticksPerSecond())) * 1000;
  } catch {
    return NaN;
  }
}

/** Whole-machine CPU jiffies so far: busy and total, from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** Latency of appending 256 bytes and fdatasync-ing, `n` times, in `dir`: p50 and p99 in ms. */
export function fsyncProbe(dir: string, n = 100, budgetMs = 2000): { p50: number; p99: number; n: number } {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(256, 1);
  const samples: number[] = [];
  const end = performance.now() + budgetMs;
  try {
    while (samples.length < n && performance.now() < end) {
      const t = performance.now();
      writeSync(fd, block);
      fdatasyncSync(fd);
      samples.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), n: samples.length };
}
