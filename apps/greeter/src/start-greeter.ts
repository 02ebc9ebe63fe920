import 'reflect-metadata';
import { createServer } from 'node:net';
import { Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import type { GreeterConfig } from './config.js';
import { GreeterModule } from './greeter.module.js';
import { createHealth, formatHostPort, GREETER_SERVICE, greeterGrpcOptions } from './grpc-options.js';

export interface RunningGreeter {
  /** `host:port` the server listens on. */
  readonly address: string;
  /** Marks the server NOT_SERVING, lets in-flight calls finish (up to the shutdown timeout), then stops. */
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

  let closing: Promise<void> | undefined;
  return {
    address,
    close() {
      closing ??= (async () => {
        health.setStatus('', 'NOT_SERVING');
        health.setStatus(GREETER_SERVICE, 'NOT_SERVING');
        await withTimeout(app.close(), config.shutdownTimeoutMs, () =>
          logger === false
            ? undefined
            : logger.warn(`in-flight calls did not finish within ${config.shutdownTimeoutMs} ms`),
        );
      })();
      return closing;
    },
  };
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
