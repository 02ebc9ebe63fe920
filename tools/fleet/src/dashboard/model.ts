import type { Health } from './sources/health.js';
import type { FleetEvent } from './sources/run-state.js';
import type { StoreView } from './sources/store-status.js';

/** What the page receives (as JSON over server-sent events). */
export interface InstanceView {
  instanceId: string;
  address: string;
  pid: number | null;
  /** The fleet's word: starting, running, stopped, killed, paused, exited. */
  state: string;
  /** Its own answer to a health check; undefined until checked. */
  health?: Health;
  /** In the registry right now; undefined while the registry cannot be read. */
  registered?: boolean;
  leaseTtl?: number;
  leaseGranted?: number;
}

export interface ServiceView {
  name: string;
  kind: 'grpc' | 'http';
  instances: InstanceView[];
  /** Registered instances that the fleet does not list (another fleet's, or left over). */
  strangers: string[];
}

export interface EndpointView {
  address: string;
  /** The fleet instance at that address, when there is one. */
  instanceId?: string;
  breaker: string;
  ewmaMs: number;
  inflight: number;
  /** Calls started per second over the last poll. */
  rate: number;
  failed: number;
}

export interface ClientView {
  service: string;
  policy?: string;
  retries: number;
  transparentRetries: number;
  hedges: number;
  retriesThrottled: number;
  endpoints: EndpointView[];
}

export interface GatewayView {
  url: string;
  instanceId: string;
  calls: number;
  failed: number;
  p50Ms: number | null;
  p99Ms: number | null;
  clients: ClientView[];
}

export interface Snapshot {
  at: number;
  /** undefined when no fleet is running from the state dir. */
  fleet?: { pid: number; registry: string[]; gateway?: string; control?: string };
  services: ServiceView[];
  store: StoreView;
  gateway?: GatewayView;
  /** What could not be read this time, one line per source. */
  problems: string[];
}

/**
 * One sample per service for the charts: requests and errors per second since the last poll, and
 * the p99 latency (the gateway's over its last 10 s of HTTP calls; a gRPC service's from its
 * instances' served-call histograms over the last 10 s). null when there were no calls to measure.
 */
export interface SeriesSample {
  rate: number;
  errors: number;
  p99Ms: number | null;
}

export interface SeriesPoint {
  at: number;
  services: Record<string, SeriesSample>;
}

export type { FleetEvent };
