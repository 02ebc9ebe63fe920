import { isBrokenCircuitError, noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';

/**
 * An etcd3 client on every endpoint that tries each call exactly once: no global retry (a retried
 * Put or Txn whose first attempt was applied would be recorded as one operation with two effects).
 * The per-host circuit breaker stays (etcd3's default), so calls avoid a member that keeps failing;
 * a call it refuses was never sent.
 */
export function singleShotClient(endpoints: readonly string[], callTimeoutMs: number): Etcd3 {
  return new Etcd3({
    hosts: endpoints.map((e) => `http://${e}`),
    faultHandling: { global: noop },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    grpcOptions: { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 1000 },
  });
}

/** True when the call was refused by the client's breakers, so it never reached a member. */
export function neverSent(e: unknown): boolean {
  return isBrokenCircuitError(e);
}
