import type { ServerOptions } from '@grpc/grpc-js';
import type { ProtoSchema } from '@flotilla/rpc';
import type { FlotillaSettingsInput } from './flotilla-settings.interface.js';
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
}
