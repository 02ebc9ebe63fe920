#!/usr/bin/env node
import { loadConfig, UsageRequested } from './config.js';
import { startGreeter } from './start-greeter.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    const usage = error instanceof UsageRequested;
    (usage ? console.log : console.error)((error as Error).message);
    process.exit(usage ? 0 : 2);
  }
  const greeter = await startGreeter(config);
  console.log(`greeter listening on ${greeter.address}`);
  if (greeter.registration) console.log(`greeter registered in etcd as ${greeter.registration.key}`);

  const stop = (signal: NodeJS.Signals) => {
    console.log(`greeter: ${signal} received, shutting down`);
    greeter.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error((error as Error).message ?? error);
  process.exit(1);
});
