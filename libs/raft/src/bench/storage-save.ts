#!/usr/bin/env node
/**
 * FileStorage write path: N saves of a Ready-sized batch (64 entries × 256 bytes) plus a hard-state
 * change (a new term each time, so it must be durable), three ways in one run, each in a fresh
 * temp dir:
 *  - save:                 `FileStorage.save()`: one batch, one fdatasync;
 *  - append + setHardState: the same storage driven the old way, two writes per Ready;
 *  - previous format:      what FileStorage did before: records appended to a growing segment file
 *                          (fdatasync), then `hard-state` replaced atomically (temp file, fsync,
 *                          rename, directory fsync).
 * Reports saves/s (from the time spent in writes), p50/p99 latency, syncs per save (background
 * preallocation included) and ratios.
 * Usage: node libs/raft/dist/bench/storage-save.js [--saves 4000] [--rounds 100] [--segment-bytes 67108864] [--dir /tmp]
 */
import { mkdir, mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry, HardState } from '../core/types.js';
import { datasync, syncDir, writeFully, type SyncCounter } from '../storage/durable-fs.js';
import { DEFAULT_SEGMENT_BYTES, FileStorage } from '../storage/file-storage.js';
import { writeHardState } from '../storage/hard-state-file.js';
import { encodeLogRecord } from '../storage/log-records.js';
import { encodeRecord } from '../storage/record-codec.js';
import { segmentName } from '../storage/segment-log.js';

const ENTRIES_PER_SAVE = 64;
const ENTRY_BYTES = 256;
const WARMUP = 20;

interface Ready {
  readonly entries: Entry[];
  readonly hardState: HardState;
}

function ready(i: number): Ready {
  const first = 1 + i * ENTRIES_PER_SAVE;
  const entries = Array.from({ length: ENTRIES_PER_SAVE }, (_, k) => ({
    index: first + k,
    term: i + 1,
    kind: 'normal' as const,
    data: new Uint8Array(ENTRY_BYTES).fill(k),
  }));
  return { entries, hardState: { term: i + 1, vote: 'n1', commit: Math.max(0, first - 1) } };
}

interface Writer {
  write(r: Ready): Promise<void>;
  syncs(): number;
  close(): Promise<void>;
}

interface Result {
  readonly name: string;
  readonly perSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly syncsPerSave: number;
}

interface Path {
  readonly name: string;
  readonly writer: Writer;
  readonly latencies: number[];
  next: number;
  syncs0: number;
  ms: number;
}

/**
 * Runs the paths in interleaved rounds (the machine is shared: a burst of load from elsewhere
 * then hits all of them alike), then closes them.
 */
async function measure(paths: Path[], saves: number, rounds: number): Promise<Result[]> {
  try {
    for (const p of paths) {
      for (; p.next < WARMUP; p.next++) await p.writer.write(ready(p.next));
      p.syncs0 = p.writer.syncs();
    }
    for (let round = 0; round < rounds; round++) {
      for (const p of paths) {
        const n = Math.floor(saves / rounds) + (round < saves % rounds ? 1 : 0);
        for (let k = 0; k < n; k++, p.next++) {
          const r = ready(p.next);
          const t = performance.now();
          await p.writer.write(r);
          const ms = performance.now() - t;
          p.latencies.push(ms);
          p.ms += ms;
        }
      }
    }
  } finally {
    for (const p of paths) await p.writer.close();
  }
  return paths.map((p) => {
    const sorted = [...p.latencies].sort((a, b) => a - b);
    const q = (x: number): number => sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))];
    return {
      name: p.name,
      perSec: (sorted.length / p.ms) * 1000,
      p50: q(0.5),
      p99: q(0.99),
      syncsPerSave: (p.writer.syncs() - p.syncs0) / sorted.length,
    };
  });
}

async function fileStorageWriter(dir: string, segmentBytes: number, oldCalls: boolean): Promise<Writer> {
  const s = await FileStorage.open(dir, { segmentBytes });
  await s.settled();
  return {
    async write({ entries, hardState }) {
      if (oldCalls) {
        await s.append(entries);
        await s.setHardState(hardState);
      } else {
        await s.save({ snapshot: null, entries, hardState });
      }
    },
    syncs: () => s.stats().syncs,
    close: async () => {
      await s.settled(); // count the background syncs the run caused
      await s.close();
    },
  };
}

/** The previous FileStorage's I/O, reproduced: growing 1 MiB segments plus the hard-state file. */
async function previousFormatWriter(dir: string): Promise<Writer> {
  const segmentBytes = 1024 * 1024;
  const counter: SyncCounter = { syncs: 0 };
  let seq = 0;
  let size = 0;
  let fh: FileHandle | null = null;
  const startSegment = async (): Promise<void> => {
    await fh?.close();
    fh = await open(join(dir, segmentName(++seq)), 'wx');
    size = 0;
    await syncDir(dir, counter);
  };
  await startSegment();
  return {
    async write({ entries, hardState }) {
      const frames = Buffer.concat(
        entries.map((entry) => encodeRecord(encodeLogRecord({ type: 'entry', entry }))),
      );
      if (size > 0 && size + frames.length > segmentBytes) await startSegment();
      await writeFully(fh!, frames, size);
      await datasync(fh!, counter);
      size += frames.length;
      await writeHardState(dir, hardState, counter);
    },
    syncs: () => counter.syncs,
    close: async () => {
      await fh?.close();
    },
  };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const saves = Number(arg('saves', '4000'));
  const rounds = Number(arg('rounds', '100'));
  const segmentBytes = Number(arg('segment-bytes', String(DEFAULT_SEGMENT_BYTES)));
  const base = arg('dir', tmpdir());
  await mkdir(base, { recursive: true });
  const root = await mkdtemp(join(base, 'raft-bench-storage-'));
  console.log(
    `FileStorage saves: ${saves} × (${ENTRIES_PER_SAVE} entries × ${ENTRY_BYTES} B + new term), ` +
      `segments ${segmentBytes} B, ${rounds} interleaved rounds, in ${root}`,
  );
  try {
    const dir = async (name: string): Promise<string> => {
      const d = join(root, name);
      await mkdir(d);
      return d;
    };
    const path = (name: string, writer: Writer): Path => ({
      name,
      writer,
      latencies: [],
      next: 0,
      syncs0: 0,
      ms: 0,
    });
    const rows = await measure(
      [
        path('save', await fileStorageWriter(await dir('save'), segmentBytes, false)),
        path('append + setHardState', await fileStorageWriter(await dir('old-calls'), segmentBytes, true)),
        path('previous format', await previousFormatWriter(await dir('previous'))),
      ],
      saves,
      rounds,
    );
    console.log('path                  | saves/s | p50 ms | p99 ms | syncs/save | save is x faster');
    for (const r of rows) {
      console.log(
        `${r.name.padEnd(21)} | ${r.perSec.toFixed(0).padStart(7)} | ${r.p50.toFixed(3).padStart(6)} | ` +
          `${r.p99.toFixed(3).padStart(6)} | ${r.syncsPerSave.toFixed(4).padStart(10)} | ` +
          `${(rows[0].perSec / r.perSec).toFixed(2)}`,
      );
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
