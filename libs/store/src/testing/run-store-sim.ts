#!/usr/bin/env node
import { runStoreSim, type StoreSimResult } from './store-sim/run-store-seed.js';
import type { ReadPath } from './store-sim/sim-member.js';

interface Args {
  seeds: number;
  start: number;
  seed: number | null;
  faultMs: number;
  readPath: ReadPath;
  verbose: boolean;
}

const USAGE =
  'usage: run-store-sim [--seeds N] [--start S] [--seed S] [--fault-ms MS] [--read-path read-index|local-unsafe] [--verbose]';

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    seeds: 100,
    start: 1,
    seed: null,
    faultMs: 5000,
    readPath: 'read-index',
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): number => {
      const text = argv[++i];
      const v = Number(text);
      if (text === undefined || !Number.isInteger(v) || v < 0)
        throw new Error(`${a} needs a non-negative integer, got ${text ?? 'nothing'}`);
      return v;
    };
    if (a === '--seeds') args.seeds = next();
    else if (a === '--start') args.start = next();
    else if (a === '--seed') args.seed = next();
    else if (a === '--fault-ms') args.faultMs = next();
    else if (a === '--read-path') {
      const v = argv[++i];
      if (v !== 'read-index' && v !== 'local-unsafe')
        throw new Error(`--read-path must be read-index or local-unsafe, got ${v ?? 'nothing'}`);
      args.readPath = v;
    } else if (a === '--verbose' || a === '-v') args.verbose = true;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  return args;
}

/** An unhandled rejection inside a server would kill the process; pin it on the seed being run. */
let strayRejection: string | null = null;
process.on('unhandledRejection', (e: unknown) => {
  strayRejection ??= `unhandled rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
});

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const seeds =
    args.seed !== null ? [args.seed] : Array.from({ length: args.seeds }, (_, k) => args.start + k);
  const script = process.argv[1] ?? 'libs/store/dist/testing/run-store-sim.js';
  const flags = `--fault-ms ${args.faultMs}${args.readPath === 'read-index' ? '' : ` --read-path ${args.readPath}`}`;
  const t0 = performance.now();
  const totals = { operations: 0, indeterminate: 0, failed: 0 };
  const failures: { seed: number; error: string }[] = [];
  for (const seed of seeds) {
    strayRejection = null;
    let res: StoreSimResult = await runStoreSim({
      seed,
      faultMs: args.faultMs,
      readPath: args.readPath,
      log: args.verbose ? (line) => console.log(`  [${seed}] ${line}`) : undefined,
    });
    if (res.ok && strayRejection !== null) res = { ...res, ok: false, error: strayRejection };
    totals.operations += res.operations;
    totals.indeterminate += res.indeterminate;
    totals.failed += res.failed;
    if (args.verbose)
      console.log(
        `  [${seed}] ${res.ok ? 'ok' : 'FAIL'} ${res.sim.profile} load=${JSON.stringify(res.load)} ` +
          `${res.operations} ops (${res.indeterminate} unknown, ${res.failed} failed calls)` +
          [...res.reasons].map(([why, n]) => `\n    ${n} x ${why}`).join(''),
      );
    if (!res.ok) {
      failures.push({ seed, error: res.error ?? 'unknown' });
      console.log(`FAIL seed=${seed} (${res.sim.shape}): ${res.error}`);
      console.log(`  replay: node ${script} --seed ${seed} ${flags} --verbose`);
    }
  }
  const wall = (performance.now() - t0) / 1000;
  console.log(
    `store-sim: ${seeds.length} seeds, ${totals.operations} ops checked (${totals.indeterminate} indeterminate, ` +
      `${totals.failed} failed calls left out), ${failures.length} failures, ${wall.toFixed(1)} s`,
  );
  if (failures.length > 0) {
    for (const f of failures)
      console.log(`  node ${script} --seed ${f.seed} ${flags}   # ${f.error.split('\n')[0].slice(0, 200)}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 2;
});
