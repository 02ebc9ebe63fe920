/**
 * Reads a V8 `.cpuprofile` (as written by `node --cpu-prof`), keeps the samples inside a time
 * window (monotonic ms, the clock of `process.hrtime` in any process on the machine) and says where
 * the time went: by area (idle, GC, raft core/server/storage/transport, grpc-js, protobuf, Node
 * internals, ...), by function self time and by function total (inclusive) time.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  /** µs, monotonic clock. */
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileEntry {
  readonly name: string;
  /** Share of the window's samples, %. */
  readonly percent: number;
  readonly ms: number;
}

export interface ProfileSummary {
  readonly samples: number;
  readonly windowMs: number;
  /** Time not idle, % of one core. */
  readonly busyPercent: number;
  readonly areas: readonly ProfileEntry[];
  readonly topSelf: readonly ProfileEntry[];
  readonly topTotal: readonly ProfileEntry[];
  /** Functions of @flotilla/raft itself by total time: the runtime's own call paths. */
  readonly topRaft: readonly ProfileEntry[];
}

/** Which part of the program a frame belongs to. */
export function areaOf(frame: CallFrame): string {
  const { functionName: fn, url } = frame;
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return '(program): V8/native, not JS';
  if (fn === '(root)') return '(root)';
  const raft = /\/libs\/raft\/(?:dist|src)\/([^/]+)\//.exec(url);
  if (raft) return `raft ${raft[1]}`;
  if (url.includes('/libs/proto/')) return 'protobuf codec (@flotilla/proto)';
  if (url.includes('/@grpc/grpc-js/')) return 'grpc-js';
  if (url.includes('/@bufbuild/protobuf/') || url.includes('/protobufjs/')) return 'protobuf runtime';
  if (url.startsWith('node:')) return 'node internals';
  if (url === '') return 'native / builtins';
  return 'other';
}

function frameName(frame: CallFrame): string {
  const fn = frame.functionName || '(anonymous)';
  if (frame.url === '') return fn;
  const file = frame.url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/libs\//, '');
  return `${fn} ${file}:${frame.lineNumber + 1}`;
}

/** Summarises the samples of `file` taken in [fromMs, toMs] (monotonic ms). */
export function summarizeProfile(file: string, fromMs: number, toMs: number, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const from = fromMs * 1000;
  const to = toMs * 1000;
  let t = profile.startTime;
  let counted = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < from || t > to) continue;
    // The sample stands for the time until the next one.
    const weight = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(profile.samples[i] ?? -1);
    if (!node) continue;
    counted++;
    const area = areaOf(node.callFrame);
    add(areas, area, weight);
    if (area === 'idle') {
      idle += weight;
      continue;
    }
    add(self, frameName(node.callFrame), weight);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id);
      if (!n || n.callFrame.functionName === '(root)') continue;
      const name = frameName(n.callFrame);
      if (seen.has(name)) continue; // recursion: count a sample once per function
      seen.add(name);
      add(total, name, weight);
    }
  }
  const windowMs = toMs - fromMs;
  const entries = (m: Map<string, number>, n: number): ProfileEntry[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms, percent: (ms / windowMs) * 100 }));
  return {
    samples: counted,
    windowMs,
    busyPercent: ((windowMs - idle) / windowMs) * 100,
    areas: entries(areas, 100),
    topSelf: entries(self, top),
    topTotal: entries(total, top),
    topRaft: entries(new Map([...total].filter(([name]) => name.includes(' raft/'))), top),
  };
}
