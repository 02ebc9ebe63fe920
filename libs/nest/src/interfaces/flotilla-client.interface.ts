import type { ServiceShape, TypedClient } from '@flotilla/rpc';

/**
 * The client `@InjectClient(S)` provides: typed from the definition, requests may be partial
 * (filled in by the generated `fromPartial`), discovery-backed with load balancing, breakers,
 * retries and deadlines (see @flotilla/rpc).
 */
export type FlotillaClient<S extends ServiceShape> = TypedClient<S, true>;
