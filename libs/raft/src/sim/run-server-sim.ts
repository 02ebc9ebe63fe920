#!/usr/bin/env node
import { runServerSim, type ServerSimRunResult } from './server-fault-schedule.js';

interface Args {
  seeds: number;
  start: number;
  seed: number | null;
  faultMs: number;
  verbose: boolean;
  trace: boolean;
  progress: number;
  forwarding: boolean | null;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    seeds: 100,
    start: 1,
    seed: null,
    faultMs: 5000,
    verbose: false,
    trace: false,
    progress: 100,
    forwarding: null,
  };
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
    else if (a === '--fault-ms') args.faultMs = next();
    else if (a === '--progress') args.progress = Math.max(1, next());
    else if (a === '--forwarding') args.forwarding = true;
    else if (a === '--no-forwarding') args.forwarding = false;
    else if (a === '--verbose' || a === '-v') args.verbose = true;
    else if (a === '--trace') args.trace = true;
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: run-server-sim [--seeds N] [--start S] [--seed S] [--fault-ms MS] [--progress EVERY] [--[no-]forwarding] [--verbose] [--trace]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

/** An unhandled rejection inside RaftServer would kill the process; pin it on the seed being run. */
let strayRejection: string | null = null;
process.on('unhandledRejection', (e: unknown) => {
  strayRejection ??= `unhandled rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
});

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const seeds =
    args.seed !== null ? [args.seed] : Array.from({ length: args.seeds }, (_, k) => args.start + k);
  const script = process.argv[1] ?? 'libs/raft/dist/sim/run-server-sim.js';
  const flags = args.forwarding === null ? '' : args.forwarding ? ' --forwarding' : ' --no-forwarding';
  const t0 = performance.now();
  let virtualMs = 0;
  let events = 0;
  const failures: { seed: number; error: string }[] = [];
  const totals = {
    crashes: 0,
    tornWrites: 0,
    snapshots: 0,
    reads: 0,
    proposed: 0,
    applied: 0,
    dropped: 0,
    late: 0,
  };
  const perProfile = new Map<string, { runs: number; failed: number }>();
  for (const [k, seed] of seeds.entries()) {
    strayRejection = null;
    let res: ServerSimRunResult = await runServerSim({
      seed,
      faultMs: args.faultMs,
      cluster: {
        ...(args.forwarding === null ? {} : { serverOptions: { forwarding: args.forwarding } }),
        ...(args.trace ? { eventLog: (line: string) => console.log(`    ${line}`) } : {}),
      },
      log: args.verbose ? (line) => console.log(`  [${seed}] ${line}`) : undefined,
    });
    if (res.ok && strayRejection !== null) res = { ...res, ok: false, error: strayRejection };
    virtualMs += res.stats.virtualMs;
    events += res.stats.events;
    const st = res.stats;
    totals.crashes += st.crashes;
    totals.tornWrites += st.tornWrites;
    totals.snapshots += st.snapshotsWritten;
    totals.reads += st.reads;
    totals.proposed += st.proposals.proposed;
    totals.applied += st.proposals.applied;
    totals.dropped += st.proposals.dropped;
    totals.late += st.proposals.timedOutWhenApplied;
    const pp = perProfile.get(res.profile) ?? { runs: 0, failed: 0 };
    pp.runs++;
    if (res.ok) {
      if (args.verbose) console.log(`  [${seed}] ok trace=${res.traceHash} ${JSON.stringify(res.stats)}`);
    } else {
      pp.failed++;
      failures.push({ seed, error: res.error ?? 'unknown' });
      console.log(`FAIL seed=${seed} (${res.shape}): ${res.error}`);
      console.log(
        `  replay: node ${script} --seed ${seed} --fault-ms ${args.faultMs}${flags} --verbose [--trace]`,
      );
    }
    perProfile.set(res.profile, pp);
    if ((k + 1) % args.progress === 0 || k + 1 === seeds.length) {
      const wall = (performance.now() - t0) / 1000;
      const rate = (k + 1) / Math.max(wall, 1e-3);
      console.log(
        `${k + 1}/${seeds.length} seeds, ${failures.length} failed, ${wall.toFixed(1)} s wall, ${rate.toFixed(1)} seeds/s, ${(virtualMs / 1000).toFixed(0)} s virtual, ${events} events`,
      );
    }
  }
  const profiles = [...perProfile].map(([p, v]) => `${p} ${v.runs} (${v.failed} failed)`).join(', ');
  console.log(`profiles: ${profiles}`);
  console.log(
    `totals: ${totals.crashes} crashes (${totals.tornWrites} torn writes), ${totals.snapshots} snapshots written, ` +
      `${totals.reads} reads checked, ${totals.proposed} proposals: ${totals.applied} applied, ${totals.dropped} dropped, ` +
      `${totals.late} timed out although applied where proposed`,
  );
  if (failures.length > 0) {
    console.log(`\n${failures.length} failing seed(s):`);
    for (const f of failures)
      console.log(
        `  node ${script} --seed ${f.seed} --fault-ms ${args.faultMs}${flags}   # ${f.error.split('\n')[0]}`,
      );
    process.exitCode = 1;
  } else {
    console.log(`all ${seeds.length} seeds passed`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 2;
});
