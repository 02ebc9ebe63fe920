import type { RegistrationState } from '@flotilla/discovery';
import type { ClientStats } from '@flotilla/rpc';

/** Anything with a Flotilla client's `$stats()`. */
export interface ClientStatsSource {
  $stats(): ClientStats;
}

/** Removes what a `register*` call added. */
export type Unregister = () => void;

/**
 * What the observable metrics read at each collection. Process-wide, so that sources can be
 * registered before or after `startTelemetry`, from whichever module owns them.
 */
const clientLists = new Set<() => Iterable<ClientStatsSource>>();
const registrations = new Set<() => RegistrationState | undefined>();
const shedCounters = new Set<() => number>();
const staleness = new Map<string, () => boolean>();

function add<T>(set: Set<T>, item: T): Unregister {
  set.add(item);
  return () => set.delete(item);
}

/** One client whose `$stats()` feed the breaker, pick, retry, hedge and budget metrics. */
export function registerClient(client: ClientStatsSource): Unregister {
  return add(clientLists, () => [client]);
}

/** A changing set of clients (read at each collection), e.g. those an application made. */
export function registerClients(list: () => Iterable<ClientStatsSource>): Unregister {
  return add(clientLists, list);
}

/** The state of a registration in the registry; undefined while there is none. */
export function registerRegistrationState(read: () => RegistrationState | undefined): Unregister {
  return add(registrations, read);
}

/** A running count of calls refused by load shedding. */
export function registerShedCounter(read: () => number): Unregister {
  return add(shedCounters, read);
}

/**
 * A source of configuration that may be serving stale values (e.g. its store is unreachable):
 * `flotilla.config.stale{flotilla.config.source=<name>}` is 1 while `isStale()` says so.
 */
export function registerStalenessSource(name: string, isStale: () => boolean): Unregister {
  if (!name) throw new Error('registerStalenessSource: the source needs a name');
  if (staleness.has(name)) throw new Error(`registerStalenessSource: "${name}" is already registered`);
  staleness.set(name, isStale);
  return () => {
    if (staleness.get(name) === isStale) staleness.delete(name);
  };
}

/** A consistent reading of every source, taken once per collection. */
export interface SourceReadings {
  clients: ClientStats[];
  registrations: (RegistrationState | undefined)[];
  shed: number | undefined;
  staleness: [name: string, stale: boolean][];
}

export function readSources(): SourceReadings {
  const clients: ClientStats[] = [];
  for (const list of clientLists) for (const client of list()) clients.push(client.$stats());
  let shed: number | undefined;
  for (const read of shedCounters) shed = (shed ?? 0) + read();
  return {
    clients,
    registrations: [...registrations].map((read) => read()),
    shed,
    staleness: [...staleness].map(([name, isStale]) => [name, isStale()]),
  };
}
