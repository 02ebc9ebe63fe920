import type { ServerOptions } from '@grpc/grpc-js';
import type { ClientInterceptor, ProtoSchema, ServerCallHook } from '@flotilla/rpc';
import type { FlotillaSettingsInput } from './flotilla-settings.interface.js';
import type { ServiceConfigOptions } from './service-config-options.interface.js';
import type { SettingsSource } from './settings-source.interface.js';

export interface FlotillaModuleOptions {
  /**
   * The service's name: what it registers as (`flotilla/services/<service>/<instance>`), the
   * domain of its error reasons, and the `service` field of its logs. FLOTILLA_SERVICE_NAME or
   * `--service-name` override it.
   */
  service: string;
  /** Version registered in the instance metadata. */
  version?: string;
  /**
   * ts-proto schemas (each generated file's `protoMetadata`, with `outputSchema=true`) of the
   * services served and called: reflection describes served services from them, and clients take
   * partial requests and read idempotency levels from them.
   */
  schemas?: readonly ProtoSchema[];
  /** Defaults for the settings, in code; sources, env vars and flags override them. */
  settings?: FlotillaSettingsInput;
  /** More places to read settings from (the extension point for `@flotilla/config`). */
  settingsSources?: readonly SettingsSource[];
  /** Adds fields to every log line; `@flotilla/telemetry` adds the active trace and span ids here. */
  logMixin?: () => Record<string, unknown>;
  /** grpc-js server options (message size limits, keepalive, ...). */
  serverOptions?: ServerOptions;
  /**
   * Interceptors of every client `forClients` provides, before each registration's own: the
   * extension point for cross-cutting concerns such as `@flotilla/telemetry`'s tracing.
   */
  clientInterceptors?: readonly ClientInterceptor[];
  /**
   * Hooks around every served call, from arrival to end; handlers run in their scope (e.g. with
   * the call's span active). `@flotilla/telemetry` fills this with its server tracing.
   */
  serverCallHooks?: readonly ServerCallHook[];
  /**
   * The service's live configuration (@flotilla/config) from the registry's store, injected with
   * `@InjectConfig()`; its health entry `flotilla.config` is NOT_SERVING while it is stale.
   */
  config?: ServiceConfigOptions;
}
