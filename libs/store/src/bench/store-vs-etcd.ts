#!/usr/bin/env node
/**
 * flotilla-store against etcd on this machine, loopback only: a three-member cluster of each, both
 * started by @flotilla/testing with the same flags (fsync on, etcd's default timing), both driven
 * by the same `etcd3` client. Measures Put and linearizable Range throughput and latency at several
 * concurrencies, watch fan-out, write unavailability after SIGKILL of the leader, and member RSS
 * with a long history before and after compaction; prints both side by side with store/etcd.
 *
 *   npx nx run store:bench                          (the full run: minutes, on a quiet machine)
 *   node libs/store/dist/bench/store-vs-etcd.js --ms 500 --warmup-ms 100 --concurrency 1,16 \
 *     --watch-puts 20 --failover-trials 2 --memory-keys 1000 --memory-revisions 5000   (a smoke run)
 *   node libs/store/dist/bench/store-vs-etcd.js --help
 *
 * flotilla-store runs from apps/store/dist (`npx nx run store-server:build`). Every cluster is
 * stopped and its data dirs removed at the end, also on failure.
 */
import type { Etcd3 } from 'etcd3';
import { startEtcdCluster, type EtcdCluster, type RegistryBinary } from '@flotilla/testing';
import { benchOptions, type BenchOptions, type BenchSystem } from './bench-options.js';
import { benchClient, benchValue } from './bench-clients.js';
import { failover, type FailoverResult } from './failover.js';
import { withCeilingServer } from './kv-ceiling.js';
import { fillKeys, kvStep, type StepResult } from './kv-throughput.js';
import { memoryAfterHistory, type MemoryResult } from './member-memory.js';
import { renderTable, type Row } from './report-table.js';
import { watchFanout, type FanoutResult } from './watch-fanout.js';

interface SystemResult {
  put: StepResult[];
  range: StepResult[];
  watch?: FanoutResult;
  failover?: FailoverResult;
  memory?: MemoryResult;
}

/**
 * Each program's own default heartbeat and election timeout (etcd 100/1000 ms, flotilla-store
 * 50/250 ms): what a user gets, and what failover time depends on. The other phases run both on
 * etcd's (the harness's default), so that only the implementations differ.
 */
const OWN_TIMING: Record<RegistryBinary, { heartbeatIntervalMs: number; electionTimeoutMs: number }> = {
  etcd: { heartbeatIntervalMs: 100, electionTimeoutMs: 1000 },
  'flotilla-store': { heartbeatIntervalMs: 50, electionTimeoutMs: 250 },
};

async function withCluster<T>(
  binary: RegistryBinary,
  run: (c: EtcdCluster) => Promise<T>,
  timing: { heartbeatIntervalMs?: number; electionTimeoutMs?: number } = {},
): Promise<T> {
  const cluster = await startEtcdCluster({ binary, size: 3, ...timing });
  try {
    return await run(cluster);
  } finally {
    await cluster.stop();
  }
}

/** Put and Range steps at every concurrency, as the options ask, through `client`. */
async function throughput(
  system: BenchSystem,
  client: Etcd3,
  o: BenchOptions,
  result: SystemResult,
  log: (line: string) => void,
): Promise<void> {
  const value = benchValue(o.valueBytes);
  const step = { ms: o.ms, warmupMs: o.warmupMs, keys: o.keys, value };
  for (const c of o.phases.includes('put') ? o.concurrency : []) {
    result.put.push(await kvStep(client, 'put', c, step));
    log(`${system}: put c=${c} ${result.put.at(-1)?.opsPerSec.toFixed(0)} ops/s`);
  }
  if (o.phases.includes('range')) {
    await fillKeys(client, o.keys, value);
    for (const c of o.concurrency) {
      result.range.push(await kvStep(client, 'range', c, step));
      log(`${system}: range c=${c} ${result.range.at(-1)?.opsPerSec.toFixed(0)} ops/s`);
    }
  }
}

/** The ceiling server takes part in the throughput phases only. */
async function measureCeiling(o: BenchOptions, log: (line: string) => void): Promise<SystemResult> {
  const result: SystemResult = { put: [], range: [] };
  if (!o.phases.includes('put') && !o.phases.includes('range')) return result;
  await withCeilingServer(async (endpoint) => {
    const client = benchClient(endpoint);
    try {
      await throughput('ceiling', client, o, result, log);
    } finally {
      client.close();
    }
  });
  return result;
}

async function measure(
  binary: RegistryBinary,
  o: BenchOptions,
  log: (line: string) => void,
): Promise<SystemResult> {
  const value = benchValue(o.valueBytes);
  const result: SystemResult = { put: [], range: [] };
  const has = (p: BenchOptions['phases'][number]): boolean => o.phases.includes(p);
  if (has('put') || has('range') || has('watch')) {
    await withCluster(binary, async (cluster) => {
      const client = benchClient(cluster.endpoints);
      try {
        await throughput(binary, client, o, result, log);
        if (has('watch')) {
          result.watch = await watchFanout(cluster.endpoints, client, {
            watchers: o.watchers,
            puts: o.watchPuts,
            value,
          });
          log(`${binary}: watch fan-out p99 ${result.watch.p99Ms.toFixed(2)} ms`);
        }
      } finally {
        client.close();
      }
    });
  }
  if (has('failover')) {
    result.failover = await withCluster(
      binary,
      (cluster) => failover(cluster, { trials: o.failoverTrials, value }),
      OWN_TIMING[binary],
    );
    log(`${binary}: failover p99 ${result.failover.p99Ms.toFixed(0)} ms`);
  }
  if (has('memory')) {
    // A fresh cluster: the history is exactly what this phase wrote.
    await withCluster(binary, async (cluster) => {
      const client = benchClient(cluster.endpoints);
      try {
        result.memory = await memoryAfterHistory(cluster, client, {
          keys: o.memoryKeys,
          revisions: o.memoryRevisions,
          value,
          settleMs: o.memorySettleMs,
        });
        log(`${binary}: rss ${result.memory.beforeMiB.map((m) => m.toFixed(0)).join('/')} MiB`);
      } finally {
        client.close();
      }
    });
  }
  return result;
}

function rows(results: Partial<Record<BenchSystem, SystemResult>>, o: BenchOptions): Row[] {
  const out: Row[] = [];
  const per = (pick: (r: SystemResult) => number | undefined): Row['values'] =>
    Object.fromEntries(
      Object.entries(results).map(([system, r]) => [system, r ? (pick(r) ?? NaN) : NaN]),
    ) as Row['values'];
  for (const op of ['put', 'range'] as const) {
    if (!o.phases.includes(op)) continue;
    for (const c of o.concurrency) {
      const step = (r: SystemResult): StepResult | undefined => r[op].find((s) => s.concurrency === c);
      const name = op === 'put' ? `put ${o.valueBytes} B` : 'range (linearizable)';
      out.push({ metric: `${name}, c=${c}`, unit: 'ops/s', values: per((r) => step(r)?.opsPerSec) });
      out.push({ metric: `${name}, c=${c}`, unit: 'p50 ms', values: per((r) => step(r)?.p50Ms) });
      out.push({ metric: `${name}, c=${c}`, unit: 'p99 ms', values: per((r) => step(r)?.p99Ms) });
    }
  }
  if (o.phases.includes('watch')) {
    const name = `put acked -> ${o.watchers} watchers see it`;
    out.push({ metric: name, unit: 'p50 ms', values: per((r) => r.watch?.p50Ms) });
    out.push({ metric: name, unit: 'p99 ms', values: per((r) => r.watch?.p99Ms) });
  }
  if (o.phases.includes('failover')) {
    const name = `write unavailability, leader SIGKILL (${o.failoverTrials} trials)`;
    out.push({ metric: name, unit: 'p50 ms', values: per((r) => r.failover?.p50Ms) });
    out.push({ metric: name, unit: 'p99 ms', values: per((r) => r.failover?.p99Ms) });
  }
  if (o.phases.includes('memory')) {
    const name = `RSS/member, ${o.memoryKeys} keys, ${o.memoryRevisions} revisions`;
    const mean = (xs: readonly number[] | undefined): number =>
      xs ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
    const notes = (pick: (m: MemoryResult) => readonly number[]): Row['notes'] =>
      Object.fromEntries(
        Object.entries(results).map(([s, r]) => [
          s,
          r?.memory
            ? pick(r.memory)
                .map((m) => m.toFixed(0))
                .join('/')
            : '',
        ]),
      ) as Row['notes'];
    out.push({
      metric: `${name}, before compaction`,
      unit: 'MiB (mean)',
      values: per((r) => mean(r.memory?.beforeMiB)),
      notes: notes((m) => m.beforeMiB),
    });
    out.push({
      metric: `${name}, after compaction`,
      unit: 'MiB (mean)',
      values: per((r) => mean(r.memory?.afterMiB)),
      notes: notes((m) => m.afterMiB),
    });
    out.push({
      metric: `${name}, puts retried during the fill`,
      unit: 'count',
      values: per((r) => r.memory?.retriedPuts),
    });
  }
  const errors = (r: SystemResult): number => [...r.put, ...r.range].reduce((n, s) => n + s.errors, 0);
  out.push({ metric: 'failed calls during throughput steps', unit: 'count', values: per(errors) });
  return out;
}

async function main(): Promise<void> {
  const o = benchOptions(process.argv.slice(2));
  const log = (line: string): void => console.error(`[bench] ${line}`);
  const results: Partial<Record<BenchSystem, SystemResult>> = {};
  for (const system of o.systems)
    results[system] = system === 'ceiling' ? await measureCeiling(o, log) : await measure(system, o, log);
  if (o.json) {
    console.log(JSON.stringify({ options: o, results }, null, 2));
    return;
  }
  console.log(
    `flotilla-store vs etcd, 3 members each on loopback, fsync on; ${o.ms} ms steps after ${o.warmupMs} ms warm-up; node ${process.version}`,
  );
  console.log(renderTable(rows(results, o)));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
