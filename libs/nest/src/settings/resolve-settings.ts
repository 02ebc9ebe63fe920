import type { FlotillaSettings, FlotillaSettingsInput } from '../interfaces/flotilla-settings.interface.js';
import type { SettingsSource } from '../interfaces/settings-source.interface.js';
import { readCommandLine } from './command-line.js';
import { type SettingDefinition, SETTING_DEFINITIONS } from './setting-definitions.js';
import { SettingsError } from './settings-errors.js';

export interface SettingsInputs {
  /** The service name given in code (FlotillaModule.forRoot). */
  service: string;
  /** Defaults given in code. */
  options?: FlotillaSettingsInput | undefined;
  sources?: readonly SettingsSource[] | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Command-line flags (without node and the script). */
  argv: readonly string[];
}

interface Candidate {
  raw: unknown;
  /** How the error names where the value came from. */
  from: (setting: SettingDefinition) => string;
}

/**
 * Merges and validates the settings: built-in defaults, then code options, then each settings
 * source, then FLOTILLA_* env vars, then flags (the later wins). Every bad value is reported, each
 * naming the setting, where it came from and the value, e.g.
 * `port (--port or FLOTILLA_PORT) must be an integer from 0 to 65535, got "abc"`.
 */
export function resolveSettings(inputs: SettingsInputs): FlotillaSettings {
  const defaults = Object.fromEntries(
    SETTING_DEFINITIONS.map((s) => [
      s.key,
      s.key === 'service' ? inputs.service : (inputs.options?.[s.key] ?? s.fallback),
    ]),
  );
  const flags = readCommandLine(inputs.argv, inputs.service, defaults);
  const sources = inputs.sources ?? [];
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const setting of SETTING_DEFINITIONS) {
    const candidate = pick(setting, inputs, sources, flags);
    if (candidate === undefined) {
      settings[setting.key] = setting.fallback;
      continue;
    }
    const parsed = setting.schema.safeParse(candidate.raw);
    if (parsed.success) settings[setting.key] = parsed.data;
    else
      problems.push(
        `${setting.label} (${candidate.from(setting)}) must be ${setting.rule}, got ${show(candidate.raw)}`,
      );
  }
  if (problems.length > 0) throw new SettingsError(problems.join('\n'));
  return settings as unknown as FlotillaSettings;
}

function pick(
  setting: SettingDefinition,
  inputs: SettingsInputs,
  sources: readonly SettingsSource[],
  flags: Partial<Record<keyof FlotillaSettings, string>>,
): Candidate | undefined {
  const flagOrEnv = (s: SettingDefinition) => `${s.flag} or ${s.env}`;
  const flag = flags[setting.key];
  if (flag !== undefined) return { raw: flag, from: flagOrEnv };
  const env = inputs.env[setting.env];
  if (env !== undefined) return { raw: env, from: flagOrEnv };
  for (const source of [...sources].reverse()) {
    const raw = source.read()[setting.key];
    if (raw !== undefined) return { raw, from: () => `from ${source.name}` };
  }
  const coded = setting.key === 'service' ? inputs.service : inputs.options?.[setting.key];
  if (coded !== undefined)
    return {
      raw: coded,
      from: (s) =>
        s.key === 'service' ? 'FlotillaModule.forRoot service' : `FlotillaModule.forRoot settings.${s.key}`,
    };
  return undefined;
}

function show(raw: unknown): string {
  return JSON.stringify(raw) ?? String(raw);
}
