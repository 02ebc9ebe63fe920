import { type DynamicModule, type INestMicroservice, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AsyncMicroserviceOptions } from '@nestjs/microservices';
import { FlotillaLogger } from '../logging/flotilla-logger.js';
import { type CommandLine, FLOTILLA_COMMAND_LINE } from '../module/tokens.js';
import { FlotillaServer } from '../server/flotilla-server.js';

export interface MicroserviceOptions {
  /** Command-line flags for the settings; default none. */
  argv?: readonly string[];
  /** Environment for the settings (FLOTILLA_*); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Creates (does not start) the Nest microservice of `module`, which imports FlotillaModule.forRoot,
 * on FlotillaServer and the JSON logger. `await app.listen()` starts it; `await app.close()` runs
 * the graceful shutdown. runMicroservice adds signals and exit codes for a process of its own.
 */
export async function createMicroservice(
  module: Type | DynamicModule,
  options: MicroserviceOptions = {},
): Promise<INestMicroservice> {
  const commandLine: CommandLine = { argv: options.argv ?? [], env: options.env ?? process.env };
  const app = await NestFactory.createMicroservice<AsyncMicroserviceOptions>(
    withCommandLine(module, commandLine),
    {
      useFactory: (server: FlotillaServer) => ({ strategy: server }),
      inject: [FlotillaServer],
      // Quiet until the JSON logger takes over below: a failed start-up is reported by the caller,
      // once, rather than by Nest's console logger with a stack trace.
      logger: false,
      abortOnError: false,
    },
  );
  app.useLogger(app.get(FlotillaLogger));
  return app;
}

/** Adds the command line for FlotillaModule's settings, in a global module next to the app's. */
function withCommandLine(module: Type | DynamicModule, commandLine: CommandLine): DynamicModule {
  @Module({})
  class FlotillaCommandLineModule {}
  @Module({})
  class FlotillaApplication {}
  return {
    module: FlotillaApplication,
    imports: [
      {
        module: FlotillaCommandLineModule,
        global: true,
        providers: [{ provide: FLOTILLA_COMMAND_LINE, useValue: commandLine }],
        exports: [FLOTILLA_COMMAND_LINE],
      },
      module,
    ],
  };
}
