import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FlotillaLogger, SettingsError, UsageRequested } from '@flotilla/nest';
import { httpServerTracing, TelemetrySettingsError, traceLogMixin } from '@flotilla/telemetry';
import { GatewayModule } from './gateway.module.js';
import { type GatewaySettings, gatewaySettings } from './gateway-settings.js';
import { serveOpenApi } from './openapi.js';

export interface GatewayOptions {
  argv?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Starts the process's telemetry once the settings are read (main.ts passes @flotilla/telemetry's
   * `startTelemetry`); it is shut down last at close, so the last requests' spans are exported.
   */
  startTelemetry?: (settings: GatewaySettings) => Promise<{ shutdown(): Promise<void> }>;
}

/** Operational polling (health checks, the dashboard's stats) gets no spans; the API and docs do. */
const UNTRACED_PATH = /^\/(healthz|_flotilla\/.*)$/;

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
  const telemetry = await options.startTelemetry?.(settings);
  const logger = new FlotillaLogger({
    service: settings.service,
    level: settings.logLevel,
    mixin: traceLogMixin(),
  });
  let app: INestApplication | undefined;
  try {
    // Quiet until created: a failed start-up is reported once by the caller, not with Nest's stack trace.
    app = await NestFactory.create(GatewayModule.forRoot(settings), { logger: false, abortOnError: false });
    app.useLogger(logger);
    // First, so that every request (an unknown route too) is one SERVER span and its greeter calls are children.
    app.use(httpServerTracing({ ignore: (path) => UNTRACED_PATH.test(path) }));
    serveOpenApi(app);
    await app.listen(settings.port, settings.host);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await telemetry?.shutdown().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(`cannot listen on ${settings.host}:${settings.port}: port already in use`);
    throw error;
  }
  const running = app;
  const server = running.getHttpServer() as Server;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const url = `http://${settings.host}:${port}`;
  logger.log(`listening on ${url}`, 'gateway');
  return {
    app: running,
    settings,
    logger,
    url,
    async close() {
      // Keep-alive connections that are idle close at once; in-flight requests get the timeout.
      const force = setTimeout(() => server.closeAllConnections(), settings.shutdownTimeoutMs);
      force.unref();
      try {
        await running.close();
      } finally {
        clearTimeout(force);
      }
      logger.log('shutdown server-closed', 'gateway');
      await telemetry?.shutdown();
    },
  };
}

/**
 * The gateway as its process's main program: exits 0 after `--help`, 2 for bad settings (telemetry's
 * OTEL_* / FLOTILLA_METRICS_* too), 1 when start-up fails (port taken, registry unreachable, metrics
 * port taken), and 0 after a graceful stop on SIGTERM/SIGINT.
 */
export async function runGateway(options: GatewayOptions = {}): Promise<void> {
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({ ...options, argv: options.argv ?? process.argv.slice(2) });
  } catch (error) {
    if (error instanceof UsageRequested) exit(0, error.message);
    if (error instanceof SettingsError || error instanceof TelemetrySettingsError) exit(2, error.message);
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
