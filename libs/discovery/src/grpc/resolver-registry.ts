import type { Discovery } from '../discovery.js';

/**
 * Which Discovery resolves `etcd:///` for which channel. grpc-js keeps one resolver factory per
 * scheme for the whole process, so the factory looks the Discovery up per channel: by the id a
 * channel carries in its options (what @flotilla/rpc's clients do, so each application resolves
 * through its own connection), else the default that registerEtcdResolver set.
 *
 * Kept on globalThis under a registered symbol: two copies of this package in one process (say,
 * one bundled with a library) then still share it, as they share grpc-js's scheme table.
 */
export interface ResolverRegistry {
  readonly byId: Map<string, Discovery>;
  /** Per scheme: the default for channels that name no Discovery. */
  readonly fallbacks: Map<string, { discovery: Discovery; loadBalancingPolicy: string }>;
  readonly schemes: Set<string>;
}

const KEY = Symbol.for('flotilla.discovery.resolver-registry');

export function resolverRegistry(): ResolverRegistry {
  const holder = globalThis as { [KEY]?: ResolverRegistry };
  holder[KEY] ??= { byId: new Map(), fallbacks: new Map(), schemes: new Set() };
  return holder[KEY];
}

/** Channel option naming the Discovery that resolves the channel's `etcd:///` target. */
export const DISCOVERY_CHANNEL_OPTION = 'flotilla.discovery_id';
