#!/usr/bin/env node
import { parseFleetArgs } from './fleet-config.js';
import { type RunningFleet, startFleet } from './fleet.js';

const log = (line: string) => console.log(`[fleet] ${line}`);

async function main(): Promise<number> {
  let config;
  try {
    config = parseFleetArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }

  // Ctrl-C during start-up must stop what has started so far, so hold the signal until start() settles.
  let interrupted = false;
  const onEarlySignal = () => (interrupted = true);
  process.on('SIGINT', onEarlySignal);
  process.on('SIGTERM', onEarlySignal);

  let fleet: RunningFleet;
  try {
    fleet = await startFleet(config, log);
  } catch (error) {
    console.error(`[fleet] failed to start: ${(error as Error).message}`);
    return 1;
  }
  process.off('SIGINT', onEarlySignal);
  process.off('SIGTERM', onEarlySignal);

  const greeter = fleet.members.find((m) => m.name === 'greeter');
  for (const m of fleet.members) log(`${m.name.padEnd(8)} ${m.address}  (pid ${m.pid})`);
  log('fleet ready. Try, in another terminal:');
  log(`  npm run hello -- Ada                 # calls helloworld.v1.Greeter/SayHello on ${greeter?.address}`);
  log(
    `  grpcurl -plaintext -d '{"name":"Ada"}' ${greeter?.address} helloworld.v1.Greeter/SayHello   # if grpcurl is installed`,
  );
  const etcd = fleet.members.find((m) => m.name === 'etcd');
  log(`  etcdctl --endpoints ${etcd?.address} get --prefix flotilla/services/   # the registry`);
  log('Press Ctrl-C to stop everything.');

  const reason = interrupted
    ? 'interrupted during start-up'
    : await Promise.race([
        fleet.unexpectedExit.then((why) => `error: ${why}`),
        new Promise<string>((resolve) => {
          process.once('SIGINT', () => resolve('SIGINT'));
          process.once('SIGTERM', () => resolve('SIGTERM'));
        }),
      ]);
  log(`stopping (${reason})...`);
  await fleet.stop();
  log('stopped; nothing left running.');
  return reason.startsWith('error:') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
