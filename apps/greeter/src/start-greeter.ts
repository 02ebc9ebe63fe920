import 'reflect-metadata';
import { createServer } from 'node:net';
import { Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import {
  createDiscovery,
  deregisterGracefully,
  type Discovery,
  type Registration,
} from '@flotilla/discovery';
import type { GreeterConfig } from './config.js';
import { GreeterModule } from './greeter.module.js';
import { createHealth, formatHostPort, GREETER_SERVICE, greeterGrpcOptions } from './grpc-options.js';

export interface RunningGreeter {
  /** `host:port` the server listens on. */
  readonly address: string;
  /** The etcd registration, when the greeter was started with one. */
  readonly registration: Registration | undefined;
  /**
   * Marks the server NOT_SERVING, lets in-flight calls finish (up to the shutdown timeout), then stops.
   * When registered: NOT_SERVING, revoke the lease, wait the drain delay, then the above.
   */
  close(): Promise<void>;
}

export async function startGreeter(
  config: GreeterConfig,
  logger: LoggerService | false = new Logger('greeter'),
): Promise<RunningGreeter> {
  const address = formatHostPort(config.host, config.port);
  // grpc-js reports a taken port only as "No address added"; check first so the error names the cause.
  await assertPortFree(config.host, config.port);
  const health = createHealth();
  const app: INestMicroservice = await NestFactory.createMicroservice(GreeterModule, {
    ...greeterGrpcOptions(config, health),
    logger: logger === false ? false : ['error', 'warn', 'log'],
  });
  try {
    await app.listen();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw new Error(`greeter: cannot serve on ${address}: ${(error as Error).message}`);
  }
  health.setStatus('', 'SERVING');
  health.setStatus(GREETER_SERVICE, 'SERVING');

  const markNotServing = () => {
    health.setStatus('', 'NOT_SERVING');
    health.setStatus(GREETER_SERVICE, 'NOT_SERVING');
  };
  const closeServer = () =>
    withTimeout(app.close(), config.shutdownTimeoutMs, () =>
      logger === false
        ? undefined
        : logger.warn(`in-flight calls did not finish within ${config.shutdownTimeoutMs} ms`),
    );

  // Register only once SERVING, so nobody is sent here before the server can answer.
  const r = config.registration;
  let discovery: Discovery | undefined;
  let registration: Registration | undefined;
  if (r) {
    try {
      discovery = await createDiscovery({ endpoints: r.etcd });
      registration = await discovery.register({
        service: r.serviceName,
        instanceId: r.instanceId,
        address: r.advertise ?? address,
        ttl: r.ttl,
        metadata: {
          version: GREETER_VERSION,
          ...(r.zone ? { zone: r.zone } : {}),
          ...(r.weight ? { weight: r.weight } : {}),
        },
      });
    } catch (error) {
      markNotServing();
      await discovery?.close().catch(() => undefined);
      await closeServer();
      throw new Error(`greeter: cannot register in etcd: ${(error as Error).message}`);
    }
    if (logger !== false) logRegistration(registration, logger);
  }

  let closing: Promise<void> | undefined;
  return {
    address,
    registration,
    close() {
      closing ??= (async () => {
        if (!r) {
          markNotServing();
          await closeServer();
          return;
        }
        await deregisterGracefully({
          markNotServing,
          registration,
          drainMs: r.drainMs,
          closeServer,
          onStep: (step, detail) =>
            logger === false ? undefined : logger.log(`shutdown ${step}: ${detail}`),
        });
        await discovery?.close();
      })();
      return closing;
    },
  };
}

/** Reported in the etcd registration metadata. */
export const GREETER_VERSION = '0.0.0';

function logRegistration(registration: Registration, logger: LoggerService): void {
  registration.on('state', (state) => logger.log(`etcd registration ${state}: ${registration.key}`));
  registration.on('retrying', ({ error, delayMs }) =>
    logger.warn(`etcd registration failed (${error.message}); retrying in ${delayMs} ms`),
  );
  registration.on('keyRestored', ({ key }) =>
    logger.warn(`etcd key ${key} was deleted from outside; put it back`),
  );
}

function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'port already in use' : error.message;
      reject(new Error(`greeter: cannot listen on ${formatHostPort(host, port)}: ${why}`));
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

async function withTimeout(work: Promise<void>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve();
    }, ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
