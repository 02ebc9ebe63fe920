import { join } from 'node:path';
import { BuildFailed, buildProjects, missingMains, projectsToBuild } from '../build/build-projects.js';
import { startDashboard } from '../dashboard/index.js';
import { FleetDefinitionError, type FleetDefinition } from '../definition/fleet-definition.js';
import { loadFleetDefinition } from '../definition/load-definition.js';
import { type ControlServer, startControlServer } from '../control/control-server.js';
import { type FleetConfig, type StartOptionValues, toFleetConfig } from '../fleet-config.js';
import type { FleetEvent } from '../fleet-events.js';
import { isAlive, readFleetState } from '../fleet-state.js';
import { type RunningFleet, startFleet } from '../fleet.js';
import { DEFAULT_STATE_DIR, displayPath as show, fleetPaths } from '../paths.js';
import { killAllGroups } from '../supervisor/exit-hook.js';
import { plainReporter, type Reporter, wantsTty } from '../ui/reporter.js';
import { bold, dim, green, red, ttyReporter, yellow } from '../ui/tty-reporter.js';
import { StartAborted } from '../wait-until.js';
import { statusRows, statusTable } from './status-table.js';

/** Signals closer together than this are one Ctrl-C (see onSignal). */
const SAME_PRESS_MS = 300;

const paintState = (state: string, text: string) =>
  state === 'running' ? green(text) : state === 'starting' || state === 'paused' ? yellow(text) : red(text);

/** `npm run fleet`: load and check the definition, build what is stale, start, serve, stop on Ctrl-C. */
export async function startCommand(values: StartOptionValues): Promise<number> {
  const config = toFleetConfig(values);
  const tty = wantsTty();
  const ui: Reporter = tty ? ttyReporter() : plainReporter();
  try {
    return await run(config, ui, tty);
  } finally {
    ui.close();
  }
}

async function run(config: FleetConfig, ui: Reporter, tty: boolean): Promise<number> {
  let definition: FleetDefinition;
  try {
    definition = loadFleetDefinition(config.definitionFile);
  } catch (error) {
    if (!(error instanceof FleetDefinitionError)) throw error;
    ui.line(error.message);
    ui.line(`Fix ${show(config.definitionFile)} and run npm run fleet again.`);
    return 1;
  }
  // Before a build: a second `npm run fleet` must not rebuild under a running fleet.
  const previous = readFleetState(fleetPaths(config.stateDir, 'store').stateFile);
  if (previous && isAlive(previous.pid)) {
    ui.line(
      `a fleet is already running from ${show(config.stateDir)} (pid ${previous.pid}): see it with npm run fleet -- status, stop it with npm run fleet -- stop`,
    );
    return 1;
  }

  if (config.build) {
    const projects = projectsToBuild(definition, config.etcd);
    ui.progress(`building what is stale of ${projects.join(', ')} (nx run-many -t build)...`);
    const output: string[] = [];
    try {
      // On a TTY only a failure shows Nx's output; in a log every line is kept.
      await buildProjects(projects, (l) => (tty ? output.push(l) : ui.line(`  ${l}`)));
    } catch (error) {
      if (!(error instanceof BuildFailed)) throw error;
      for (const l of output.slice(-40)) ui.line(`  ${l}`);
      ui.line(error.message);
      return 1;
    }
  }
  const missing = missingMains(definition, show(config.definitionFile));
  if (missing.length > 0) {
    for (const m of missing) ui.line(m);
    return 1;
  }

  // The first Ctrl-C (or SIGTERM, SIGHUP, or `fleet stop`) stops the fleet in order, aborting a
  // start-up in progress; a second one kills everything at once.
  const abort = new AbortController();
  let signals = 0;
  let lastSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // One Ctrl-C can arrive twice: from the terminal and, a moment later, forwarded by npm when the
    // npm script's shell has exec'd the fleet (bash does). A person's second press comes later.
    const now = Date.now();
    const samePress = now - lastSignalAt < SAME_PRESS_MS;
    lastSignalAt = now;
    if (samePress) return;
    signals += 1;
    if (signals > 1) {
      ui.line(`${signal} again: killing everything now`);
      killAllGroups();
      process.exit(130);
    }
    abort.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed terminal too: stop in order rather than die and orphan the children.
  process.on('SIGHUP', onSignal);

  let fleet: RunningFleet | undefined;
  const control: ControlServer = await startControlServer(
    () => fleet,
    () => abort.abort('fleet stop'),
  );
  try {
    try {
      fleet = await startFleet({
        config,
        definition,
        log: (l) => ui.progress(l),
        signal: abort.signal,
        control: control.url,
      });
    } catch (error) {
      if (error instanceof StartAborted) {
        ui.line('interrupted during start-up; stopped what had started.');
        return 130;
      }
      ui.line(`failed to start: ${(error as Error).message}`);
      return 1;
    }
    const running = fleet;
    running.onEvent((e) => {
      if (e.kind !== 'start' && e.kind !== 'stop') ui.line(describe(e, tty));
    });

    let dashboard: { url: string; close(): Promise<void> } | undefined;
    if (config.dashboard) {
      try {
        dashboard = await startDashboard({ stateDir: config.stateDir });
        running.dashboard = dashboard.url;
        running.publish();
      } catch (error) {
        ui.line(`the dashboard did not start (${(error as Error).message}); the fleet runs without it`);
      }
    }
    try {
      ui.live(() => [
        '',
        ...statusTable(statusRows(running.state()), tty ? paintState : undefined),
        '',
        tty ? dim('Ctrl-C stops everything.') : 'Ctrl-C stops everything.',
      ]);
      ready(running, config, ui, tty);
      const reason = abort.signal.aborted
        ? String(abort.signal.reason)
        : await new Promise<string>((resolve) =>
            abort.signal.addEventListener('abort', () => resolve(String(abort.signal.reason)), {
              once: true,
            }),
          );
      ui.close();
      const log = plainOrTty(tty);
      log(`stopping (${reason})...`);
      await running.stop(log);
      log('stopped; nothing left running.');
      return 0;
    } finally {
      await dashboard?.close();
    }
  } finally {
    await control.close();
  }
}

/** After the live view ends (stopping), lines go straight out. */
function plainOrTty(tty: boolean): (line: string) => void {
  return tty ? (l) => process.stdout.write(`${l}\n`) : (l) => process.stdout.write(`[fleet] ${l}\n`);
}

function ready(fleet: RunningFleet, config: FleetConfig, ui: Reporter, tty: boolean): void {
  const stateDirFlag = config.stateDir === DEFAULT_STATE_DIR ? '' : ` --state-dir ${config.stateDir}`;
  const b = tty ? bold : (t: string) => t;
  ui.line(`registry (${config.etcd ? 'etcd' : 'flotilla-store'}): ${fleet.registry.join(',')}`);
  ui.line(`logs: ${join(show(fleet.logDir), '<instance>.log')}`);
  ui.line(b('fleet ready.'));
  const gateway = fleet.gateway;
  if (gateway) {
    ui.line(`  gateway:   ${gateway}  (OpenAPI: ${gateway}/openapi.json)`);
  }
  if (fleet.dashboard) ui.line(`  dashboard: ${fleet.dashboard}`);
  ui.line('Try, in another terminal:');
  if (gateway && fleet.definition.services.some((s) => s.name === 'gateway')) {
    // Quoted: zsh (macOS's shell) would take the ? as a glob and refuse the pasted command.
    ui.line(`  curl '${gateway}/hello/Ada?lang=fr'`);
  } else if (fleet.definition.services.some((s) => s.name === 'greeter')) {
    ui.line(`  npm run hello -- Ada${stateDirFlag}`);
  }
  ui.line(
    `  npm run fleet -- status${stateDirFlag}      # also: logs <name> [-f], kill|restart <instance>, scale <service> <n>, stop`,
  );
  ui.line('Press Ctrl-C to stop everything.');
}

function describe(e: FleetEvent, tty: boolean): string {
  const what = `${e.instance ?? e.service ?? 'fleet'} ${e.kind}: ${e.detail}`;
  if (!tty) return what;
  return e.kind === 'exit' || e.kind === 'kill' ? red(what) : yellow(what);
}
