import type { FlotillaSettingsInput } from './flotilla-settings.interface.js';

/**
 * Extension point for where settings come from. FlotillaModule reads, lowest precedence first:
 * built-in defaults, `forRoot({ settings })`, each SettingsSource in order, FLOTILLA_* environment
 * variables, then command-line flags. A source returns raw values (strings as an env var would
 * hold them, or typed values); they are validated like the others and errors name the source.
 *
 * The service's live configuration from the config store is not a settings source: it is
 * `FlotillaModule.forRoot({ config })` with `@InjectConfig()` (see ServiceConfig).
 */
export interface SettingsSource {
  /** Named in error messages, e.g. `config store flotilla/config/greeter`. */
  readonly name: string;
  read(): { readonly [K in keyof FlotillaSettingsInput]?: unknown };
}
