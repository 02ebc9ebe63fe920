import { type CallHandler, type ExecutionContext, type NestInterceptor, type Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { status } from '@grpc/grpc-js';
import { mergeMap, type Observable, throwError, timer } from 'rxjs';

/**
 * Test knobs for resilience tests (load balancing, breakers, retries, load shedding), read from
 * the environment at start-up: `GREETER_FAULT=unavailable` (any gRPC status name) fails every
 * Greeter call with that status; `GREETER_DELAY_MS=50` delays every Greeter call;
 * `GREETER_BUSY_MS=5` keeps the event loop busy that long on every Greeter call (CPU-bound work, to
 * saturate the process). Health and reflection are not affected. None is set in production, and
 * then nothing is installed.
 */
export interface FaultInjection {
  fault: status | undefined;
  delayMs: number;
  busyMs: number;
}

export function faultInjectionFromEnv(env: NodeJS.ProcessEnv): FaultInjection | undefined {
  const faultName = env['GREETER_FAULT'];
  const delayRaw = env['GREETER_DELAY_MS'];
  const busyRaw = env['GREETER_BUSY_MS'];
  if (faultName === undefined && delayRaw === undefined && busyRaw === undefined) return undefined;
  let fault: status | undefined;
  if (faultName !== undefined) {
    const code = status[faultName.toUpperCase() as keyof typeof status];
    if (typeof code !== 'number' || code === status.OK) {
      throw new Error(
        `GREETER_FAULT must name a gRPC error status such as "unavailable", got "${faultName}"`,
      );
    }
    fault = code;
  }
  return {
    fault,
    delayMs: milliseconds('GREETER_DELAY_MS', delayRaw, 600_000),
    busyMs: milliseconds('GREETER_BUSY_MS', busyRaw, 1000),
  };
}

function milliseconds(name: string, raw: string | undefined, max: number): number {
  const value = raw === undefined ? 0 : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`${name} must be an integer from 0 to ${max}, got "${raw}"`);
  }
  return value;
}

class FaultInjectionInterceptor implements NestInterceptor {
  constructor(private readonly injection: FaultInjection) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { fault, delayMs, busyMs } = this.injection;
    if (busyMs > 0) {
      const until = performance.now() + busyMs;
      while (performance.now() < until) {
        // Busy on purpose: CPU-bound work that holds the event loop.
      }
    }
    const outcome = () =>
      fault === undefined
        ? next.handle()
        : throwError(
            () =>
              new RpcException({ code: fault, message: `injected fault (GREETER_FAULT=${status[fault]})` }),
          );
    return delayMs > 0 ? timer(delayMs).pipe(mergeMap(outcome)) : outcome();
  }
}

/** Nest providers installing the interceptor when the knobs are set; none otherwise. */
export function faultInjectionProviders(env: NodeJS.ProcessEnv): Provider[] {
  const injection = faultInjectionFromEnv(env);
  if (!injection) return [];
  return [{ provide: APP_INTERCEPTOR, useValue: new FaultInjectionInterceptor(injection) }];
}
