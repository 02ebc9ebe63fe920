import { join } from 'node:path';
import { fetchGatewayStats, type GatewayStats } from '../dashboard/sources/gateway-stats.js';
import { HealthProbe } from '../dashboard/sources/health.js';
import { readRunState, type RunState } from '../dashboard/sources/run-state.js';
import { ClusterWatch, retriesAndHedges } from './cluster-watch.js';
import { ControlClient } from './control-client.js';
import { FaultInjector } from './fault-injector.js';
import { LoadGenerator } from './load.js';
import { type ChaosOptions, resolveChaosOptions } from './options.js';
import { seededRandom } from './random.js';
import { type ChaosSummary, percentile } from './summary.js';

export { chaosExitCode, formatSummary, percentile, type ChaosSummary } from './summary.js';
export { parseDuration, type ChaosOptions } from './options.js';
export { planFault, maxImpaired, type PlannedFault, type TargetGroup } from './fault-plan.js';

const hostPort = (address: string) => address.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');

/** The default targets: the store and every service but the HTTP front door (the gateway under load). */
function defaultTargets(state: RunState): string[] {
  const gateway = state.gateway ? hostPort(state.gateway) : undefined;
  const services = Object.entries(state.services)
    .filter(([, instances]) => !instances.some((i) => hostPort(i.address) === gateway))
    .map(([name]) => name);
  return ['store', ...services];
}

async function runningFleet(stateDir: string): Promise<RunState & { control: string; gateway: string }> {
  const file = join(stateDir, 'fleet.json');
  const { state, error } = await readRunState(file);
  if (error) throw new Error(`chaos: ${error}`);
  if (!state) throw new Error(`chaos: no fleet is running from ${stateDir} (start one first: npm run fleet)`);
  if (!state.control) throw new Error(`chaos: ${file} names no control API; is the fleet running?`);
  if (!state.gateway)
    throw new Error(`chaos: ${file} names no gateway; chaos loads the gateway, so the fleet needs one`);
  return { ...state, control: state.control, gateway: state.gateway };
}

/**
 * Loads the running fleet's gateway for `durationMs` while killing, pausing and restarting
 * instances of its services and store members through the control API (never more than a minority
 * of the store, never every instance of a service); heals every fault; and sums up what callers saw.
 * Faults stop a few seconds before the end, so that the last ones heal while the load still runs.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const o = resolveChaosOptions(options);
  const fleet = await runningFleet(o.stateDir);
  const control = new ControlClient(fleet.control);
  const random = seededRandom(o.seed);
  const unknown = (o.targets ?? []).filter((t) => t !== 'store' && !(t in fleet.services));
  if (unknown.length)
    throw new Error(
      `chaos: no service named ${unknown.join(', ')} in the fleet (it has store, ${Object.keys(fleet.services).join(', ')})`,
    );

  const health = new HealthProbe();
  // Each line carries the seconds since the run began, to line failed calls up with the faults.
  let began = performance.now();
  const log = (line: string) =>
    o.log(`${((performance.now() - began) / 1000).toFixed(1).padStart(5)}s ${line}`);
  const watch = new ClusterWatch(fleet.store, fleet.gateway, log);
  const before: GatewayStats | undefined = await fetchGatewayStats(fleet.gateway, 2000).catch(
    () => undefined,
  );
  // Separate random streams, so the faults a seed picks do not depend on how many calls were made.
  const load = new LoadGenerator(fleet.gateway, o.rate, o.concurrency, seededRandom(o.seed ^ 0x5bd1e995));
  const injector = new FaultInjector({
    control,
    targets: (state) => o.targets ?? defaultTargets(state),
    storeMemberBack: (name) => watch.memberReachable(name),
    instanceServing: async (address) => (await health.grpc(hostPort(address), 1000)) === 'serving',
    random,
    faultEveryMs: o.faultEveryMs,
    log,
  });

  began = performance.now();
  await watch.start();
  // Failed calls are timed on the same clock as the fault lines.
  load.start(began);
  const stopFaults = new AbortController();
  const settleMs = Math.min(5000, o.durationMs / 4);
  const faultTimer = setTimeout(() => stopFaults.abort(), o.durationMs - settleMs);
  const endTimer = new Promise<void>((resolve) => {
    const t = setTimeout(resolve, o.durationMs);
    o.signal?.addEventListener('abort', () => {
      clearTimeout(t);
      stopFaults.abort();
      resolve();
    });
  });
  o.signal?.addEventListener('abort', () => stopFaults.abort());
  const faults = injector.run(stopFaults.signal);
  try {
    await endTimer;
    // Every fault heals before the load stops: the run ends with the fleet whole again.
    await faults;
  } finally {
    clearTimeout(faultTimer);
    stopFaults.abort();
    await faults.catch(() => undefined);
  }
  const result = await load.stop();
  const durationMs = performance.now() - began;
  await watch.stop();
  health.close();
  const after = await fetchGatewayStats(fleet.gateway, 2000).catch(() => undefined);
  for (const example of result.examples) o.log(`chaos: failed call: ${example}`);

  return {
    seed: o.seed,
    durationMs,
    rate: o.rate,
    concurrency: o.concurrency,
    calls: result.calls,
    failed: result.failed,
    skipped: result.skipped,
    failures: result.failures,
    ...retriesAndHedges(before, after),
    p50Ms: percentile(result.latenciesMs, 50),
    p99Ms: percentile(result.latenciesMs, 99),
    breakerTrips: watch.breakerTrips,
    leaderChanges: watch.leaderChanges,
    faults: { ...injector.counts },
    faultsByGroup: { ...injector.byGroup },
    problems: [
      ...injector.problems,
      ...(before && after ? [] : ['the gateway stats could not be read, so retried/hedged are unknown (0)']),
    ],
  };
}
