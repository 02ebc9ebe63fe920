/** A setting has a bad value; the message names the setting, where it came from and the value. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** `--help` was given: the message is the usage text, to print before exiting 0. */
export class UsageRequested extends Error {
  override name = 'UsageRequested';
}
