/** The validated FlotillaSettings. */
export const FLOTILLA_SETTINGS = Symbol.for('flotilla.settings');
/** The live config handle (@flotilla/config) of `forRoot({ config })`, for `@InjectConfig()`. */
export const FLOTILLA_CONFIG = Symbol.for('flotilla.config');
/** Command-line flags and environment for the settings; provided by runMicroservice. */
export const FLOTILLA_COMMAND_LINE = Symbol.for('flotilla.command-line');

export interface CommandLine {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}
