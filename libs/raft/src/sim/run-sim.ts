#!/usr/bin/env node
import { runRandomSim } from './fault-schedule.js';

interface Args {
  seeds: number;
  start: number;
  seed: number | null;
  steps: number;
  verbose: boolean;
  progress: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { seeds: 100, start: 1, seed: null, steps: 40, verbose: false, progress: 100 };
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
    else if (a === '--progress') args.progress = Math.max(1, next());
    else if (a === '--verbose' || a === '-v') args.verbose = true;
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: run-sim [--seeds N] [--start S] [--seed S] [--steps M] [--progress EVERY] [--verbose]',
      );
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
  const perProfile = new Map<string, { runs: number; failed: number }>();
  for (const [k, seed] of seeds.entries()) {
    const res = await runRandomSim({
      seed,
      steps: args.steps,
      log: args.verbose ? (line) => console.log(`  [${seed}] ${line}`) : undefined,
    });
    virtualMs += res.virtualMs;
    const pp = perProfile.get(res.profile) ?? { runs: 0, failed: 0 };
    pp.runs++;
    if (!res.ok) {
      pp.failed++;
      failures.push({ seed, error: res.error ?? 'unknown' });
      console.log(`FAIL seed=${seed} (${res.shape}): ${res.error}`);
      console.log(`  replay: node ${script} --seed ${seed} --steps ${args.steps} --verbose`);
    }
    perProfile.set(res.profile, pp);
    if ((k + 1) % args.progress === 0 || k + 1 === seeds.length) {
      const wall = (performance.now() - t0) / 1000;
      const rate = (k + 1) / Math.max(wall, 1e-3);
      console.log(
        `${k + 1}/${seeds.length} seeds, ${failures.length} failed, ${wall.toFixed(1)} s wall, ${rate.toFixed(0)} seeds/s, ${(virtualMs / 1000).toFixed(0)} s virtual`,
      );
    }
  }
  const profiles = [...perProfile].map(([p, v]) => `${p} ${v.runs} (${v.failed} failed)`).join(', ');
  console.log(`profiles: ${profiles}`);
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
