import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FlotillaLogger, SettingsError, UsageRequested } from '@flotilla/nest';
import { GatewayModule } from './gateway.module.js';
import { type GatewaySettings, gatewaySettings } from './gateway-settings.js';
import { serveOpenApi } from './openapi.js';

export interface GatewayOptions {
  argv?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
}

/** A created, listening gateway; `close()` stops it gracefully. */
export interface RunningGateway {
  app: INestApplication;
  settings: GatewaySettings;
  logger: FlotillaLogger;
  /** `http://host:port` it listens on (the port the OS picked for `--port 0`). */
  url: string;
  close(): Promise<void>;
}

/** Creates the gateway from flags and env and starts listening. Throws SettingsError / UsageRequested. */
export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const settings = gatewaySettings(options.argv ?? [], options.env ?? process.env);
  const logger = new FlotillaLogger({ service: settings.service, level: settings.logLevel });
  // Quiet until created: a failed start-up is reported once by the caller, not with Nest's stack trace.
  const app = await NestFactory.create(GatewayModule.forRoot(settings), {
    logger: false,
    abortOnError: false,
  });
  app.useLogger(logger);
  serveOpenApi(app);
  try {
    await app.listen(settings.port, settings.host);
  } catch (error) {
    await app.close().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(`cannot listen on ${settings.host}:${settings.port}: port already in use`);
    throw error;
  }
  const server = app.getHttpServer() as Server;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const url = `http://${settings.host}:${port}`;
  logger.log(`listening on ${url}`, 'gateway');
  return {
    app,
    settings,
    logger,
    url,
    async close() {
      // Keep-alive connections that are idle close at once; in-flight requests get the timeout.
      const force = setTimeout(() => server.closeAllConnections(), settings.shutdownTimeoutMs);
      force.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(force);
      }
      logger.log('shutdown server-closed', 'gateway');
    },
  };
}

/**
 * The gateway as its process's main program: exits 0 after `--help`, 2 for bad settings, 1 when
 * start-up fails (port taken, registry unreachable), and 0 after a graceful stop on SIGTERM/SIGINT.
 */
export async function runGateway(options: GatewayOptions = {}): Promise<void> {
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({ argv: options.argv ?? process.argv.slice(2), env: options.env });
  } catch (error) {
    if (error instanceof UsageRequested) exit(0, error.message);
    if (error instanceof SettingsError) exit(2, error.message);
    exit(1, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
  }
  const stop = (signal: NodeJS.Signals) => {
    process.off('SIGTERM', stop).off('SIGINT', stop);
    gateway.logger.log(`shutdown ${signal}`, 'gateway');
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) =>
        exit(1, `shutdown failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  process.on('SIGTERM', stop).on('SIGINT', stop);
}

function exit(code: number, message: string): never {
  (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
  process.exit(code);
}
