/**
 * Memory and speed of the MVCC core holding the benchmark data set: 100,000 keys of
 * 256-byte values with 1,000,000 revisions of history, before and after compaction; put and range
 * throughput; snapshot size and timings. The full-history snapshot is measured in a child process,
 * so its buffers do not inflate the RSS figures here (malloc keeps freed memory in the process).
 *
 *   npx nx run store:bench-mvcc          (node --expose-gc dist/bench/mvcc-memory.js)
 *   KEYS=10000 REVISIONS=100000 ...      (smaller runs)
 *   MALLOC_MMAP_THRESHOLD_=131072 ...    (glibc returns freed chunks, so RSS drops after compaction)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MvccStore } from '../index.js';

const KEYS = Number(process.env['KEYS'] ?? 100_000);
const REVISIONS = Number(process.env['REVISIONS'] ?? 1_000_000);
const VALUE_BYTES = 256;
const SNAPSHOT_PHASE = '--snapshot-phase';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const rate = (ops: number, ms: number): string =>
  `${Math.round((ops / ms) * 1000).toLocaleString('en-US')} ops/s`;
const line = (label: string, text: string): void => console.log(`${label.padEnd(30)}${text}`);

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

function memory(): Memory {
  gc?.();
  gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

function report(label: string, now: Memory, base: Memory, store: MvccStore): void {
  const stats = store.memoryStats();
  line(
    label,
    `RSS +${mb(now.rss - base.rss)}, JS heap +${mb(now.heapUsed - base.heapUsed)}, external +${mb(now.external - base.external)}` +
      ` | ${stats.rows.toLocaleString('en-US')} rows: log ${mb(stats.logBytes)}, values ${mb(stats.valueBytes)} (${stats.valueChunks} chunks)`,
  );
}

function keyOf(i: number): Buffer {
  return Buffer.from(`/registry/services/svc-${String(i).padStart(6, '0')}`);
}

function time<T>(run: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

/** 1M puts cycling over the keys in order, each value distinct. */
function buildHistory(keys: Buffer[]): { store: MvccStore; ms: number } {
  const store = new MvccStore();
  const value = Buffer.alloc(VALUE_BYTES, 0x61);
  const { ms } = time(() => {
    for (let r = 0; r < REVISIONS; r++) {
      value.writeUInt32LE(r, 0);
      store.put({ key: keys[r % KEYS]!, value });
    }
  });
  return { store, ms };
}

function measurePuts(store: MvccStore, keys: Buffer[], order: (i: number) => number): string {
  const puts = Math.min(REVISIONS, 200_000);
  const value = Buffer.alloc(VALUE_BYTES, 0x62);
  const { ms } = time(() => {
    for (let i = 0; i < puts; i++) {
      value.writeUInt32LE(i, 4);
      store.put({ key: keys[order(i)]!, value });
    }
  });
  return rate(puts, ms);
}

function measureRanges(store: MvccStore, keys: Buffer[]): void {
  let sink = 0;
  const gets = 200_000;
  const current = time(() => {
    for (let i = 0; i < gets; i++) sink += store.range({ key: keys[(i * 7919) % KEYS]! }).kvs.length;
  });
  line('range, one key', rate(gets, current.ms));
  const historical = time(() => {
    for (let i = 0; i < gets; i++) {
      const revision = 2 + ((i * 104729) % (REVISIONS - 1));
      sink += store.range({ key: keys[(i * 7919) % KEYS]!, revision }).kvs.length;
    }
  });
  line('range, one key, historical', rate(gets, historical.ms));
  const spans = 2_000;
  const span = time(() => {
    for (let i = 0; i < spans; i++) {
      const start = (i * 7919) % Math.max(1, KEYS - 100);
      sink += store.range({ key: keys[start]!, rangeEnd: keys[start + 100] ?? Buffer.from([0]) }).kvs.length;
    }
  });
  line('range, 100 keys', `${rate(spans, span.ms)} (${rate(spans * 100, span.ms).replace('ops', 'keys')})`);
  const count = time(() =>
    store.range({ key: Buffer.from([0]), rangeEnd: Buffer.from([0]), countOnly: true }),
  );
  line('range, count all keys', `${count.ms.toFixed(1)} ms`);
  if (sink < gets + spans * 100) throw new Error('unexpected range results');
}

function mainPhase(): void {
  console.log(
    `MVCC bench: ${KEYS.toLocaleString('en-US')} keys x ${VALUE_BYTES} B values, ` +
      `${REVISIONS.toLocaleString('en-US')} revisions of history (node ${process.version})`,
  );
  const keys = Array.from({ length: KEYS }, (_, i) => keyOf(i));
  const base = memory();
  const { store, ms } = buildHistory(keys);
  line('put (building history)', `${rate(REVISIONS, ms)}`);
  report('memory, full history', memory(), base, store);
  measureRanges(store, keys);

  const compaction = time(() => store.compact(store.revision));
  line('compact at the head', `${compaction.ms.toFixed(0)} ms`);
  report('memory, after compaction', memory(), base, store);
  const snapshot = time(() => store.snapshot());
  const restore = time(() => MvccStore.fromSnapshot(snapshot.result));
  line(
    'snapshot, compacted',
    `${mb(snapshot.result.byteLength)}: encode ${snapshot.ms.toFixed(0)} ms, restore ${restore.ms.toFixed(0)} ms`,
  );
  line(
    'put, keys in order',
    measurePuts(store, keys, (i) => i % KEYS),
  );
  line(
    'put, keys scattered',
    measurePuts(store, keys, (i) => (i * 7919) % KEYS),
  );

  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), SNAPSHOT_PHASE], {
    stdio: 'inherit',
  });
  if (child.status !== 0) throw new Error(`snapshot phase failed (${child.status ?? child.signal})`);
}

function snapshotPhase(): void {
  const { store } = buildHistory(Array.from({ length: KEYS }, (_, i) => keyOf(i)));
  const snapshot = time(() => store.snapshot());
  const restore = time(() => MvccStore.fromSnapshot(snapshot.result));
  if (restore.result.revision !== store.revision) throw new Error('restored a different revision');
  line(
    'snapshot, full history',
    `${mb(snapshot.result.byteLength)}: encode ${snapshot.ms.toFixed(0)} ms, restore ${restore.ms.toFixed(0)} ms`,
  );
}

if (process.argv.includes(SNAPSHOT_PHASE)) snapshotPhase();
else mainPhase();
