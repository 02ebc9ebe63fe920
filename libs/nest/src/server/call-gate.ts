import { Metadata, status } from '@grpc/grpc-js';
import {
  encodeStatusDetails,
  FLOTILLA_ERROR_DOMAIN,
  SHED_METADATA_KEY,
  SHED_REASON,
  STATUS_DETAILS_KEY,
} from '@flotilla/rpc';
import type { Logger } from 'pino';
import type { AdaptiveShedder } from './adaptive-shedder.js';
import type { CallHooks } from './call-hooks.js';
import { type ErrorStatus, errorStatus } from './error-status.js';

/**
 * Around every call: admission (the load shedder), the in-flight count, the mapping of handler
 * errors to statuses (unexpected ones are logged with their stack and a reference the caller
 * gets), and a debug-level access log line per call.
 */
export class CallGate implements CallHooks {
  private current = 0;
  private readonly logCalls: boolean;
  /** Sheds since the last warning, which goes out at most once a second. */
  private shedSinceReport = 0;
  private lastReport = -Infinity;

  constructor(
    private readonly domain: string,
    private readonly logger: Logger,
    private readonly shedder: AdaptiveShedder | undefined,
  ) {
    this.logCalls = logger.isLevelEnabled('debug');
  }

  get inFlight(): number {
    return this.current;
  }

  admit(): ErrorStatus | undefined {
    if (this.shedder?.shouldShed(this.current)) {
      this.reportShed(this.shedder);
      return shedStatus(this.current);
    }
    this.current += 1;
    return undefined;
  }

  done(method: string, startedAt: number, code: status): void {
    this.current -= 1;
    const durationMs = performance.now() - startedAt;
    this.shedder?.record(durationMs);
    if (this.logCalls) this.logger.debug({ method, code: status[code], durationMs }, 'call');
  }

  private reportShed(shedder: AdaptiveShedder): void {
    this.shedSinceReport += 1;
    const now = performance.now();
    if (now - this.lastReport < 1000) return;
    this.logger.warn(
      {
        shed: this.shedSinceReport,
        inFlight: this.current,
        maxInFlight: shedder.maxInFlight(),
        utilisation: Number(shedder.utilisation.toFixed(2)),
      },
      `shedding load: ${this.shedSinceReport} calls refused (${this.current} in flight, limit ${shedder.maxInFlight()}, event loop ${(shedder.utilisation * 100).toFixed(0)}% busy)`,
    );
    this.shedSinceReport = 0;
    this.lastReport = now;
  }

  toStatus(error: unknown, method: string): ErrorStatus {
    const result = errorStatus(error, this.domain);
    if (result.unexpected) {
      this.logger.error(
        { method, ref: result.unexpected.ref, err: result.unexpected.error },
        'handler failed unexpectedly',
      );
    }
    return result;
  }
}

function shedStatus(inFlight: number): ErrorStatus {
  const details = `overloaded: call shed (${inFlight} in flight); try another instance`;
  const metadata = new Metadata();
  metadata.set(SHED_METADATA_KEY, '1');
  metadata.set(
    STATUS_DETAILS_KEY,
    encodeStatusDetails({
      code: status.RESOURCE_EXHAUSTED,
      message: details,
      errorInfo: {
        reason: SHED_REASON,
        domain: FLOTILLA_ERROR_DOMAIN,
        metadata: { inFlight: String(inFlight) },
      },
    }),
  );
  return { code: status.RESOURCE_EXHAUSTED, details, metadata };
}
