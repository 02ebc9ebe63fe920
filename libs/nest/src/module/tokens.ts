/** The validated FlotillaSettings. */
export const FLOTILLA_SETTINGS = Symbol.for('flotilla.settings');
/** Command-line flags and environment for the settings; provided by runMicroservice. */
export const FLOTILLA_COMMAND_LINE = Symbol.for('flotilla.command-line');

export interface CommandLine {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}
