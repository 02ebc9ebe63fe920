import type { LoggerService } from '@nestjs/common';
import { destination, type Logger, pino } from 'pino';
import type { LogLevel } from '../interfaces/flotilla-settings.interface.js';

export interface FlotillaLoggerOptions {
  service: string;
  level: LogLevel;
  /**
   * Adds fields to every line. The hook for `@flotilla/telemetry`, which will add `trace_id` and
   * `span_id` of the active span here.
   */
  mixin?: (() => Record<string, unknown>) | undefined;
  /** Where lines go; default stdout (synchronous writes, so nothing is lost at exit). */
  stream?: NodeJS.WritableStream | undefined;
}

/**
 * Nest's LoggerService on pino: one JSON object per line with `time`, `level` (as a word),
 * `service`, `pid`, `context` (the Nest logger context) and `msg`. `app.useLogger(...)` routes
 * Nest's own logs through it too.
 */
export class FlotillaLogger implements LoggerService {
  readonly pino: Logger;

  constructor(options: FlotillaLoggerOptions) {
    this.pino = pino(
      {
        level: options.level,
        base: { service: options.service, pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        ...(options.mixin ? { mixin: options.mixin } : {}),
      },
      options.stream ?? destination({ fd: 1, sync: true }),
    );
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    // Nest calls error(message, stack?, context?).
    const [stack, context] = params.length >= 2 ? params : [undefined, params[0]];
    if (message instanceof Error || typeof stack !== 'string') {
      this.write('error', message, params);
      return;
    }
    this.pino.error({ context, stack }, String(message));
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace',
    message: unknown,
    params: unknown[],
  ): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    if (message instanceof Error) this.pino[level]({ context, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ context, ...message });
    else this.pino[level]({ context }, String(message));
  }
}
