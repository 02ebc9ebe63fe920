import { type CallHandler, type ExecutionContext, type NestInterceptor, type Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { status } from '@grpc/grpc-js';
import { mergeMap, type Observable, throwError, timer } from 'rxjs';

/**
 * Test knobs for client-side resilience tests (load balancing, breakers, retries), read from the
 * environment at start-up: `GREETER_FAULT=unavailable` (any gRPC status name) fails every Greeter
 * call with that status; `GREETER_DELAY_MS=50` delays every Greeter call. Health and reflection are
 * not affected. Neither is set in production, and then nothing is installed.
 */
export interface FaultInjection {
  fault: status | undefined;
  delayMs: number;
}

export function faultInjectionFromEnv(env: NodeJS.ProcessEnv): FaultInjection | undefined {
  const faultName = env['GREETER_FAULT'];
  const delayRaw = env['GREETER_DELAY_MS'];
  if (faultName === undefined && delayRaw === undefined) return undefined;
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
  const delayMs = delayRaw === undefined ? 0 : Number(delayRaw);
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 600_000) {
    throw new Error(`GREETER_DELAY_MS must be an integer from 0 to 600000, got "${delayRaw}"`);
  }
  return { fault, delayMs };
}

class FaultInjectionInterceptor implements NestInterceptor {
  constructor(private readonly injection: FaultInjection) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { fault, delayMs } = this.injection;
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
