export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A service's settings, validated, after defaults, options, settings sources, env vars and flags. */
export interface FlotillaSettings {
  /** Registered name (`flotilla/services/<service>/<instanceId>` in etcd); also the ErrorInfo domain. */
  service: string;
  /** Listen host. `0.0.0.0` / `::` listen everywhere and register the host's reachable address. */
  host: string;
  /** Listen port; 0 picks a free one (and that port is registered). */
  port: number;
  /** etcd endpoints to register in; undefined: no registration (local runs). */
  registry: string[] | undefined;
  /** Default `<hostname>-<port>-<pid>`. */
  instanceId: string | undefined;
  /** `host:port` to register instead of the listen address. */
  advertise: string | undefined;
  /** Registration lease TTL, seconds. */
  ttl: number;
  /** How long to keep serving after deregistering, so that clients drop this instance. */
  drainMs: number;
  /** How long in-flight calls may take to finish at shutdown before they are cancelled. */
  shutdownTimeoutMs: number;
  logLevel: LogLevel;
  /** Registered in the instance metadata (zone-aware clients). */
  zone: string | undefined;
  /** Registered load-balancing weight (clients with the `weighted` policy). */
  weight: number | undefined;
  /** Adaptive load shedding on or off. */
  shedding: boolean;
  /** Event-loop utilisation (0..1) above which the shedder starts to reject excess calls. */
  shedCpuThreshold: number;
}

/** The settings as FlotillaModule.forRoot takes them: any subset, as typed values. */
export type FlotillaSettingsInput = Partial<FlotillaSettings>;
