#!/usr/bin/env node
import { runRandomSim } from './fault-schedule.js';

interface Args {
  seeds: number;
  start: number;
  seed: number | null;
  steps: number;
  verbose: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { seeds: 100, start: 1, seed: null, steps: 40, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a non-negative integer`);
      return v;
    };
    if (a === '--seeds') args.seeds = next();
    else if (a === '--start') args.start = next();
    else if (a === '--seed') args.seed = next();
    else if (a === '--steps') args.steps = next();
    else if (a === '--verbose' || a === '-v') args.verbose = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: run-sim [--seeds N] [--start S] [--seed S] [--steps M] [--verbose]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const seeds =
    args.seed !== null ? [args.seed] : Array.from({ length: args.seeds }, (_, k) => args.start + k);
  const script = process.argv[1] ?? 'libs/raft/dist/sim/run-sim.js';
  const t0 = performance.now();
  let virtualMs = 0;
  const failures: { seed: number; error: string }[] = [];
  for (const [k, seed] of seeds.entries()) {
    const res = await runRandomSim({
      seed,
      steps: args.steps,
      log: args.verbose ? (line) => console.log(`  [${seed}] ${line}`) : undefined,
    });
    virtualMs += res.virtualMs;
    if (!res.ok) {
      failures.push({ seed, error: res.error ?? 'unknown' });
      console.log(`FAIL seed=${seed}: ${res.error}`);
      console.log(`  replay: node ${script} --seed ${seed} --steps ${args.steps} --verbose`);
    }
    if ((k + 1) % 25 === 0 || k + 1 === seeds.length) {
      const wall = (performance.now() - t0) / 1000;
      console.log(
        `${k + 1}/${seeds.length} seeds, ${failures.length} failed, ${wall.toFixed(1)} s wall, ${(virtualMs / 1000).toFixed(0)} s virtual`,
      );
    }
  }
  if (failures.length > 0) {
    console.log(`\n${failures.length} failing seed(s):`);
    for (const f of failures)
      console.log(`  node ${script} --seed ${f.seed} --steps ${args.steps}   # ${f.error.split('\n')[0]}`);
    process.exitCode = 1;
  } else {
    console.log(`all ${seeds.length} seeds passed`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 2;
});
