import { Command, CommanderError, Option } from 'commander';
import type { FlotillaSettings } from '../interfaces/flotilla-settings.interface.js';
import { SETTING_DEFINITIONS } from './setting-definitions.js';
import { SettingsError, UsageRequested } from './settings-errors.js';

/**
 * Reads the settings flags (`--port 6000`, `--registry=http://...`) with commander. Values stay raw
 * strings here; they are validated with the other sources. Unknown flags and stray arguments are
 * errors that show the usage; `--help` raises UsageRequested with it, each flag with its env var
 * and, from `defaults`, the value it has when neither is given.
 */
export function readCommandLine(
  argv: readonly string[],
  program: string,
  defaults: Partial<Record<keyof FlotillaSettings, unknown>> = {},
): Partial<Record<keyof FlotillaSettings, string>> {
  const command = new Command(program)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .allowExcessArguments(false)
    .helpOption('-h, --help', 'show this help');
  for (const setting of SETTING_DEFINITIONS) {
    // Shown in the description, not with commander's .default(): a default there would count as
    // given on the command line and win over the env var.
    const fallback = showDefault(defaults[setting.key]);
    const where =
      fallback === undefined ? `env: ${setting.env}` : `env: ${setting.env}, default: ${fallback}`;
    command.addOption(new Option(`${setting.flag} ${setting.value}`, `${setting.description} (${where})`));
  }
  try {
    command.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.code === 'commander.helpDisplayed')
      throw new UsageRequested(command.helpInformation() + environmentHelp());
    const message = error instanceof Error ? error.message.replace(/^error: /, '') : String(error);
    throw new SettingsError(`${message}\n${command.helpInformation()}`);
  }
  const values: Partial<Record<keyof FlotillaSettings, string>> = {};
  const opts = command.opts<Record<string, string | undefined>>();
  for (const option of command.options) {
    const setting = SETTING_DEFINITIONS.find((s) => s.flag === option.long);
    const value = opts[option.attributeName()];
    if (setting && value !== undefined) values[setting.key] = value;
  }
  return values;
}

function showDefault(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

function environmentHelp(): string {
  return '\nEvery flag can also be set by the environment variable shown with it; flags win.\n';
}
