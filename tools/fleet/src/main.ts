#!/usr/bin/env node
import { join, relative } from 'node:path';
import { defaultFleet } from './definition/default-fleet.js';
import { parseFleetArgs } from './fleet-config.js';
import { type RunningFleet, startFleet } from './fleet.js';
import { DEFAULT_STATE_DIR } from './paths.js';
import { killAllGroups } from './supervisor/exit-hook.js';
import { StartAborted } from './wait-until.js';

// Plain lines, no colour: the output is often a pipe or a CI log.
const log = (line: string) => console.log(`[fleet] ${line}`);
const show = (file: string) => relative(process.cwd(), file) || file;

async function main(): Promise<number> {
  let config;
  let definition;
  try {
    config = parseFleetArgs(process.argv.slice(2));
    definition = defaultFleet(config.greeterPort);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }

  // The first Ctrl-C (or SIGTERM, SIGHUP) stops the fleet in order (aborting a start-up in progress); a second kills at once.
  const abort = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log(`${signal} again: killing everything now`);
      killAllGroups();
      process.exit(130);
    }
    abort.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed terminal too: stop in order rather than die and orphan the children.
  process.on('SIGHUP', onSignal);

  let fleet: RunningFleet;
  try {
    fleet = await startFleet(config, definition, log, abort.signal);
  } catch (error) {
    if (error instanceof StartAborted) {
      log('interrupted during start-up; stopped what had started.');
      return 130;
    }
    console.error(`[fleet] failed to start: ${(error as Error).message}`);
    return 1;
  }

  log(
    `registry (${config.etcd ? 'etcd' : 'flotilla-store'}): ${fleet.registry.map((m) => m.address).join(',')}`,
  );
  for (const m of Object.values(fleet.services).flat())
    log(`${m.name.padEnd(10)} ${m.address}  (pid ${m.pid})`);
  log(`logs: ${join(show(fleet.logDir), '<instance>.log')}`);
  log('fleet ready. Try, in another terminal:');
  const stateDirFlag = config.stateDir === DEFAULT_STATE_DIR ? '' : ` --state-dir ${config.stateDir}`;
  log(
    `  npm run hello -- Ada${stateDirFlag}      # finds greeter through the registry and calls helloworld.v1.Greeter/SayHello`,
  );
  log(
    `  etcdctl --endpoints ${fleet.registry.map((m) => m.address).join(',')} get --prefix flotilla/services/   # the registry`,
  );
  log('Press Ctrl-C to stop everything.');

  const reason = abort.signal.aborted
    ? String(abort.signal.reason)
    : await Promise.race([
        fleet.unexpectedExit.then((why) => `error: ${why}`),
        new Promise<string>((resolve) =>
          abort.signal.addEventListener('abort', () => resolve(String(abort.signal.reason)), { once: true }),
        ),
      ]);
  log(`stopping (${reason})...`);
  await fleet.stop(log);
  log('stopped; nothing left running.');
  return reason.startsWith('error:') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Not console.error(error): util.inspect colours it when FORCE_COLOR is set.
    process.stderr.write(
      `[fleet] crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
