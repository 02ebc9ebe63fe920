import type { DynamicModule, INestMicroservice, Type } from '@nestjs/common';
import { FlotillaLogger } from '../logging/flotilla-logger.js';
import { SettingsError, UsageRequested } from '../settings/settings-errors.js';
import { createMicroservice } from './create-microservice.js';

export interface RunOptions {
  /** Command-line flags; default `process.argv.slice(2)`. */
  argv?: readonly string[];
  /** Environment; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs a Flotilla service as its process's main program: creates the microservice of `module`
 * (which imports FlotillaModule.forRoot), listens, registers, and stops gracefully on SIGTERM or
 * SIGINT, exiting 0. Exits 0 after `--help`, 2 for bad settings (the message names each), and 1
 * when start-up fails (port taken, registry unreachable, ...).
 */
export async function runMicroservice(
  module: Type | DynamicModule,
  options: RunOptions = {},
): Promise<INestMicroservice> {
  let app: INestMicroservice;
  try {
    app = await createMicroservice(module, {
      argv: options.argv ?? process.argv.slice(2),
      env: options.env ?? process.env,
    });
  } catch (error) {
    if (error instanceof UsageRequested) exit(0, error.message);
    if (error instanceof SettingsError) exit(2, error.message);
    exit(1, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
  }
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  try {
    await app.listen();
  } catch (error) {
    const message = `cannot start: ${error instanceof Error ? error.message : String(error)}`;
    // For the log pipeline and for whoever watches the terminal.
    app.get(FlotillaLogger).fatal(message, 'start-up');
    process.stderr.write(`${message}\n`);
    await app.close().catch(() => undefined);
    process.exit(1);
  }
  return app;
}

function exit(code: number, message: string): never {
  (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
  process.exit(code);
}
