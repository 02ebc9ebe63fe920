import { InvalidArgumentError } from '../errors.js';
import { assertInstanceId, assertServiceName, parseHostPort } from './validate.js';

export const DEFAULT_PREFIX = 'flotilla/services';

/** What an instance says about itself. `version`, `zone` and `weight` are the well-known fields. */
export interface EndpointMetadata {
  version?: string;
  zone?: string;
  /** Relative load-balancing weight; positive integer, default 1 where it matters. */
  weight?: number;
  [key: string]: unknown;
}

/** One registered instance of a service, as discovered. */
export interface ServiceEndpoint {
  service: string;
  instanceId: string;
  /** `host:port` */
  address: string;
  metadata: EndpointMetadata;
  /** The etcd key it was found under. */
  key: string;
  /**
   * The key's etcd mod revision: it changes whenever the instance registers again (after a restart
   * or a lost lease), which tells load balancers to reconnect at once rather than after backoff.
   */
  revision?: string;
}

/**
 * The value etcd's gRPC naming (`go.etcd.io/etcd/client/v3/naming/endpoints`, internal.Update) stores:
 * `{"Op":0,"Addr":"host:port","Metadata":...}`. Field order matches Go's json.Marshal.
 */
interface NamingUpdate {
  Op: number;
  Addr: string;
  Metadata: unknown;
}

/** `<prefix>/<service>/` — what to watch to see every instance of a service. */
export function serviceKeyPrefix(prefix: string, service: string): string {
  return `${prefix}/${assertServiceName(service)}/`;
}

export function instanceKey(prefix: string, service: string, instanceId: string): string {
  return `${serviceKeyPrefix(prefix, service)}${assertInstanceId(instanceId)}`;
}

/**
 * Encodes the etcd value. Metadata goes in as a JSON *string*, not an object: grpc-go's balancer
 * hashes resolver addresses, Metadata included, and a Go map (what encoding/json makes of an object)
 * is unhashable, so Go clients would panic. A string is hashable and round-trips losslessly.
 */
export function encodeEndpointValue(address: string, metadata: EndpointMetadata = {}): string {
  parseHostPort(address);
  assertMetadata(metadata);
  const update: NamingUpdate = { Op: 0, Addr: address, Metadata: JSON.stringify(metadata) };
  return JSON.stringify(update);
}

/**
 * Decodes a value written by Flotilla or by etcd's Go endpoints manager. `Metadata` may be a JSON
 * string (Flotilla), an object (other writers), or absent/null. Returns undefined for values that
 * are not Add updates with a usable address, so one bad key cannot break resolution of the rest.
 */
export function decodeEndpointValue(
  value: string,
): { address: string; metadata: EndpointMetadata } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const op = parsed['Op'] ?? 0;
  const address = parsed['Addr'];
  if (op !== 0 || typeof address !== 'string') return undefined;
  try {
    parseHostPort(address);
  } catch {
    return undefined;
  }
  return { address, metadata: decodeMetadata(parsed['Metadata']) };
}

function decodeMetadata(raw: unknown): EndpointMetadata {
  if (raw === undefined || raw === null) return {};
  if (isRecord(raw)) return { ...raw };
  if (typeof raw === 'string') {
    try {
      const inner: unknown = JSON.parse(raw);
      if (isRecord(inner)) return { ...inner };
    } catch {
      // Not JSON: a Go writer may put any plain string here.
    }
    return { value: raw };
  }
  return { value: raw };
}

/** Splits `<prefix>/<service>/<instanceId>`; undefined if the key does not have that shape. */
export function parseInstanceKey(
  prefix: string,
  key: string,
): { service: string; instanceId: string } | undefined {
  if (!key.startsWith(`${prefix}/`)) return undefined;
  const rest = key.slice(prefix.length + 1);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  return { service: rest.slice(0, slash), instanceId: rest.slice(slash + 1) };
}

/** Builds the endpoint for a key/value pair (and the key's mod revision), or undefined if either is unusable. */
export function decodeEndpoint(
  prefix: string,
  key: string,
  value: string,
  revision?: string,
): ServiceEndpoint | undefined {
  const names = parseInstanceKey(prefix, key);
  const decoded = decodeEndpointValue(value);
  if (!names || !decoded) return undefined;
  return revision === undefined ? { ...names, ...decoded, key } : { ...names, ...decoded, key, revision };
}

function assertMetadata(metadata: EndpointMetadata): void {
  if (!isRecord(metadata)) throw new InvalidArgumentError('metadata must be a plain object');
  const { version, zone, weight } = metadata;
  if (version !== undefined && typeof version !== 'string')
    throw new InvalidArgumentError('metadata.version must be a string');
  if (zone !== undefined && typeof zone !== 'string')
    throw new InvalidArgumentError('metadata.zone must be a string');
  if (weight !== undefined && (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1)) {
    throw new InvalidArgumentError(`metadata.weight must be a positive integer, got ${String(weight)}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
